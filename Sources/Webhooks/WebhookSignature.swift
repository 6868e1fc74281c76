import Crypto
import Foundation

/// `BP-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme of
/// Stripe's and GitHub's webhooks: the time inside the signed text lets a receiver refuse
/// replays, and while a rotated secret overlaps there is one `v1` per secret.
public enum WebhookSignature {
    public static func header(body: [UInt8], secrets: [String], at time: Date) -> String {
        let t = String(Int(time.timeIntervalSince1970))
        var signed = Array(t.utf8)
        signed.append(UInt8(ascii: "."))
        signed += body
        let signatures = secrets.map { secret in
            let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
            return "v1=" + mac.map { String(format: "%02x", $0) }.joined()
        }
        return (["t=" + t] + signatures).joined(separator: ",")
    }
}
