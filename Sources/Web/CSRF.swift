import Crypto
import Foundation
import Store

/// CSRF tokens bound to the visitor's session cookie: HMAC-SHA256 of the cookie value
/// under the server's secret. Visitors who have not signed in get a random cookie too,
/// so the sign-in forms are protected as well. Nothing is stored per token.
struct CSRF {
    /// SHA-256 already fed the key's inner and outer pads (RFC 2104): HMAC's key schedule
    /// and its generic `update(data:)` were a seventh of the landing page; a token now
    /// continues copies of these two with the cookie's bytes.
    private let inner: SHA256
    private let outer: SHA256

    init(secret: [UInt8]) {
        var key = secret.count > 64 ? SHA256.hash(data: secret).withUnsafeBytes { Array($0) } : secret
        key += Array(repeating: 0, count: 64 - key.count)
        var inner = SHA256()
        var outer = SHA256()
        (key.map { $0 ^ 0x36 } + Array("csrf:".utf8)).withUnsafeBytes { inner.update(bufferPointer: $0) }
        key.map { $0 ^ 0x5c }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    /// HMAC-SHA256 of "csrf:" + the cookie under the server's secret, in hex.
    func token(for sessionCookie: String) -> String {
        var innerHash = inner
        var cookie = sessionCookie
        cookie.withUTF8 { innerHash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var outerHash = outer
        innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize().withUnsafeBytes { Secrets.hex($0) }
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
