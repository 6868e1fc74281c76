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
        // The bytes read in place where they lie together (a digest, an array): called
        // from another module the generic loop was not specialized, and cost about 250
        // instructions a byte (two digests a page, 3 % of a case page).
        if let text = bytes.withContiguousStorageIfAvailable({ hex(UnsafeRawBufferPointer($0)) }) { return text }
        return Array(bytes).withUnsafeBytes { hex($0) }
    }

    /// A digest's bytes in hex, read where the digest holds them.
    public static func hex<D: Digest>(_ digest: D) -> String {
        digest.withUnsafeBytes { hex($0) }
    }

    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, byte) in bytes.enumerated() {
                out[2 * i] = hexDigit(byte >> 4)
                out[2 * i + 1] = hexDigit(byte & 0x0f)
            }
            return bytes.count * 2
        }
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
