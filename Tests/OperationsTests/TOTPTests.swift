import Foundation
import Testing

@testable import Operations

@Suite struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 rows: the ASCII secret "12345678901234567890".
    static let rfcSecret = Array("12345678901234567890".utf8)

    @Test(arguments: [
        (59.0, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func theRFCsTestVectors(time: Double, expected: String) {
        let step = TOTP.step(at: Date(timeIntervalSince1970: time))
        #expect(TOTP.code(secret: Self.rfcSecret, step: step, digits: 8) == expected)
        // Six digits are the last six of the same number.
        #expect(TOTP.code(secret: Self.rfcSecret, step: step) == String(expected.suffix(6)))
    }

    @Test func aCodeIsAcceptedOneStepEitherSideAndNoFurther() {
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let current = TOTP.step(at: now)
        for offset in -3...3 {
            let code = TOTP.code(secret: Self.rfcSecret, step: current + Int64(offset))
            let step = TOTP.matchingStep(code, secret: Self.rfcSecret, now: now, after: 0)
            #expect(step == (abs(offset) <= 1 ? current + Int64(offset) : nil), "offset \(offset)")
        }
    }

    @Test func aCodeCountsOnceAndSoDoesEveryEarlierOne() {
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let current = TOTP.step(at: now)
        let code = TOTP.code(secret: Self.rfcSecret, step: current)
        #expect(TOTP.matchingStep(code, secret: Self.rfcSecret, now: now, after: current - 1) == current)
        #expect(TOTP.matchingStep(code, secret: Self.rfcSecret, now: now, after: current) == nil)
        let previous = TOTP.code(secret: Self.rfcSecret, step: current - 1)
        #expect(TOTP.matchingStep(previous, secret: Self.rfcSecret, now: now, after: current) == nil)
    }

    @Test func typedCodesMayHaveSpacesButNothingElse() {
        let now = Date(timeIntervalSince1970: 1_800_000_015)
        let code = TOTP.code(secret: Self.rfcSecret, step: TOTP.step(at: now))
        let spaced = String(code.prefix(3)) + " " + String(code.suffix(3))
        #expect(TOTP.matchingStep(spaced, secret: Self.rfcSecret, now: now, after: 0) != nil)
        for bad in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", code + "0", String(code.dropLast()) + "x"] {
            #expect(TOTP.matchingStep(bad, secret: Self.rfcSecret, now: now, after: 0) == nil, "\(bad)")
        }
    }

    @Test func theSecretIsWrittenInRFC4648Base32() {
        // RFC 4648 section 10 vectors, without padding.
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
                       ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors { #expect(TOTP.base32(Array(plain.utf8)) == encoded) }
        #expect(TOTP.base32(Self.rfcSecret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    }

    @Test func theProvisioningAddressNamesIssuerAndAccount() {
        let uri = TOTP.provisioningURI(secret: Self.rfcSecret, account: "agent+1@example.com", issuer: "Buyer Protection (bp.example)")
        #expect(
            uri == "otpauth://totp/Buyer%20Protection%20%28bp.example%29:agent%2B1@example.com"
                + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Buyer%20Protection%20%28bp.example%29"
                + "&algorithm=SHA1&digits=6&period=30")
    }
}
