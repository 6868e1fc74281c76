import Crypto
import Foundation

/// Random ids and tokens, and the hashes under which secrets are stored.
public enum Secrets {
    /// An opaque, unguessable id for URLs: 128 random bits in lowercase base32 (26 characters).
    public static func newID() -> String { base32(randomBytes(16)) }

    /// A secret token (sign-in links, sessions, API keys): 256 random bits, URL-safe.
    public static func newToken() -> String { base32(randomBytes(32)) }

    /// Bytes from the system's cryptographic generator, eight at a time (asking for one
    /// byte at a time costs a system call per byte).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    /// SHA-256 of a token in hex: what the database keeps instead of the token.
    public static func hash(_ token: String) -> String {
        hex(SHA256.hash(data: Array(token.utf8)))
    }

    public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
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
