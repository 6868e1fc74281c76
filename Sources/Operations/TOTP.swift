import Crypto
import Foundation
import Store

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): 30-second steps,
/// 6 digits, HMAC-SHA1 — what every authenticator app reads from an `otpauth://` address.
public enum TOTP {
    public static let period: TimeInterval = 30
    public static let digits = 6
    /// 160 bits, the size RFC 4226 recommends for HMAC-SHA1.
    public static let secretLength = 20

    /// The 30-second step a moment falls in.
    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code of one step, zero-padded.
    public static func code(secret: [UInt8], step: Int64, digits: Int = digits) -> String {
        let counter = withUnsafeBytes(of: UInt64(bitPattern: step).bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            UInt32(mac[offset] & 0x7f) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(binary % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step a typed code belongs to, one step either side of now (clocks drift and
    /// people type slowly), and only a step later than `lastUsed`: a code counts once,
    /// and so does every code before it. Nil when it matches none.
    public static func matchingStep(_ typed: String, secret: [UInt8], now: Date, after lastUsed: Int64) -> Int64? {
        let typedDigits = typed.filter { !$0.isWhitespace && $0 != "-" }
        guard typedDigits.count == digits, typedDigits.allSatisfy(\.isASCII), typedDigits.allSatisfy(\.isNumber) else { return nil }
        let current = step(at: now)
        var found: Int64?
        for candidate in (current - 1)...(current + 1) where candidate > lastUsed {
            // Every candidate is compared, in constant time, so timing tells nothing.
            if constantTimeEqual(code(secret: secret, step: candidate), typedDigits), found == nil { found = candidate }
        }
        return found
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// RFC 4648 base32, upper case without padding: how apps expect the secret typed.
    public static func base32(_ bytes: [UInt8]) -> String { Secrets.base32(bytes).uppercased() }

    /// The address an authenticator app reads from the QR code: the issuer names the
    /// installation so two installations' entries can be told apart.
    public static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
        func encoded(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
            allowed.insert(charactersIn: "-._~@")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
        }
        return "otpauth://totp/\(encoded(issuer)):\(encoded(account))?secret=\(base32(secret))&issuer=\(encoded(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(Int(period))"
    }
}
