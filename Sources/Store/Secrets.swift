import Crypto
import Foundation

/// Random ids and tokens, and the hashes under which secrets are stored.
public enum Secrets {
    /// An opaque, unguessable id for URLs: 128 random bits in lowercase base32 (26 characters).
    public static func newID() -> String { base32(randomBytes(16)) }

    /// A secret token (sign-in links, sessions, API keys): 256 random bits, URL-safe.
    public static func newToken() -> String { base32(randomBytes(32)) }

    /// Bytes from the system's cryptographic generator in one read of `/dev/urandom`
    /// (kept open): the standard library's generator asks the kernel for every eight
    /// bytes, four system calls for a token, and every anonymous page view makes one.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let filled = bytes.withUnsafeMutableBytes { buffer in
            urandom >= 0 && read(urandom, buffer.baseAddress, count) == count
        }
        if !filled {
            var generator = SystemRandomNumberGenerator()
            for index in 0..<count { bytes[index] = generator.next() }
        }
        return bytes
    }

    private static let urandom: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    /// SHA-256 of a token in hex: what the database keeps instead of the token.
    public static func hash(_ token: String) -> String {
        hex(SHA256.hash(data: Array(token.utf8)))
    }

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0f))
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Ids and tokens use only [a-z2-7]; anything else in a URL segment is not one of ours.
    public static func looksLikeToken(_ text: String, length: Int) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { (97...122).contains($0) || (50...55).contains($0) }
    }

    /// RFC 4648 base32 in lower case, without padding.
    public static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
        var out = [UInt8]()
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static let idLength = 26
    public static let tokenLength = 52
}
