import Crypto
import Foundation
import Store

/// CSRF tokens bound to the visitor's session cookie: HMAC-SHA256 of the cookie value
/// under the server's secret. Visitors who have not signed in get a random cookie too,
/// so the sign-in forms are protected as well. Nothing is stored per token.
struct CSRF {
    let key: SymmetricKey

    init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    func token(for sessionCookie: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(("csrf:" + sessionCookie).utf8), using: key)
        return Secrets.hex(mac)
    }

    /// Constant-time comparison of the submitted token with the expected one.
    func isValid(_ submitted: String?, for sessionCookie: String?) -> Bool {
        guard let submitted, let sessionCookie, submitted.utf8.count == 64 else { return false }
        let expected = Array(token(for: sessionCookie).utf8)
        let given = Array(submitted.utf8)
        var difference: UInt8 = 0
        for i in 0..<64 { difference |= expected[i] ^ given[i] }
        return difference == 0
    }
}
