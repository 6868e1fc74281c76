import Crypto
import Foundation
import Testing
import MultipartKit
@testable import Web
@testable import Store
@testable import Mail
@testable import Operations
@testable import FastCGI

@Suite struct URLEncodedTests {
    @Test func fieldsAreDecoded() throws {
        let fields = try URLEncoded.parse("a=1&b=x+y&b=%C5%BC%C3%B3%C5%82w&c=&d")
        #expect(fields["a"] == ["1"])
        #expect(fields["b"] == ["x y", "żółw"])
        #expect(fields["c"] == [""])
        #expect(fields["d"] == [""])
    }

    @Test(arguments: ["a=%", "a=%G1", "a=%C5", "a=%FF%FE", "%zz=1"])
    func malformedEscapesAreAnError(text: String) {
        #expect(throws: URLEncoded.Malformed.self) { try URLEncoded.parse(text) }
    }

    @Test func tooManyFieldsAreAnError() {
        let text = (0..<300).map { "f\($0)=1" }.joined(separator: "&")
        #expect(throws: URLEncoded.Malformed.self) { try URLEncoded.parse(text, maxFields: 256) }
    }

    @Test func encodingRoundTrips() throws {
        let value = "/cases/abc?x=1&y=ż ł"
        #expect(try URLEncoded.parse("v=" + URLEncoded.encode(value))["v"] == [value])
    }
}

@Suite struct CookieTests {
    @Test func cookiesAreReadAndOddOnesSkipped() {
        let cookies = Cookies.parse("bp_session=abc; bp_lang=pl; junk; =x; quoted=\"v\"; bp_session=second")
        #expect(cookies["bp_session"] == "abc", "the first of a repeated name")
        #expect(cookies["bp_lang"] == "pl")
        #expect(cookies["quoted"] == "v")
        #expect(Cookies.parse(nil).isEmpty)
        #expect(Cookies.parse(String(repeating: "a=b; ", count: 5000)).isEmpty, "an absurd header is ignored")
    }

    /// The byte-wise parser reads what splitting the String by Character and trimming
    /// with Foundation read, non-ASCII spaces and odd pieces included.
    @Test(arguments: [
        "a=1;b=2", " a = 1 ; b=\"x\" ", "\u{00A0}ż=ł\u{2003}; k=v", "x=a=b", ";;=;a=", "q=\"\"", "q=\"", "n=\u{3000}v\u{3000}",
        "\tt\t=\t1\t;\u{202F}", "bp_session=abc; bp_session=def",
    ])
    func cookiesParsedOnBytesAsOnCharacters(header: String) {
        var expected: [String: String] = [:]
        for part in header.split(separator: ";", omittingEmptySubsequences: false) {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let name = part[..<equals].trimmingCharacters(in: .whitespaces)
            var value = Substring(part[part.index(after: equals)...].trimmingCharacters(in: .whitespaces))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            guard !name.isEmpty, expected[name] == nil else { continue }
            expected[name] = String(value)
        }
        #expect(Cookies.parse(header) == expected)
    }

    @Test(arguments: ["", " ", "\t a \t", "\u{00A0}b\u{2003}", "\u{3000} c d \u{202F}", "\n e \n", " ż ", "\u{200B}f"])
    func cookiesAreTrimmedAsFoundationTrimsWhitespace(text: String) {
        #expect(String(Cookies.trimmed(Substring(text))) == text.trimmingCharacters(in: .whitespaces))
    }

    @Test func sessionCookiesAreHttpOnlyLaxAndSecureOnHTTPS() {
        let plain = Cookies.setCookie(name: "bp_session", value: "v", maxAge: 60, secure: false)
        #expect(plain == "bp_session=v; Path=/; SameSite=Lax; HttpOnly; Max-Age=60")
        #expect(Cookies.setCookie(name: "bp_session", value: "v", maxAge: nil, secure: true).contains("; Secure"))
    }
}

@Suite struct MultipartHeaderTests {
    @Test func theBoundaryComesFromTheContentType() {
        #expect(MultipartHeaders.boundary(fromContentType: "multipart/form-data; boundary=----abc") == "----abc")
        #expect(MultipartHeaders.boundary(fromContentType: "multipart/form-data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(MultipartHeaders.boundary(fromContentType: "multipart/form-data") == nil)
        #expect(MultipartHeaders.boundary(fromContentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
    }

    @Test func dispositionGivesNameAndFilename() {
        let plain = MultipartHeaders.contentDisposition("form-data; name=\"documents\"; filename=\"a; b.pdf\"")
        #expect(plain.name == "documents")
        #expect(plain.filename == "a; b.pdf")
        let extended = MultipartHeaders.contentDisposition("form-data; name=documents; filename=\"x.pdf\"; filename*=UTF-8''za%C5%BC%C3%B3%C5%82%C4%87.pdf")
        #expect(extended.filename == "zażółć.pdf")
        #expect(MultipartHeaders.contentDisposition("form-data; name=\"message\"").filename == nil)
    }

    @Test(arguments: [
        ("faktura.pdf", "faktura.pdf"), ("C:\\Users\\anna\\skan.png", "skan.png"), ("../../etc/passwd", "passwd"),
        ("a\u{0}b\r\n.txt", "ab.txt"), ("\"quoted\".pdf", "quoted.pdf"), ("", "document"), ("...", "document"),
        ("evil\u{202E}fdp.exe", "evilfdp.exe"),
    ])
    func fileNamesAreSanitised(raw: String, clean: String) {
        #expect(MultipartHeaders.sanitize(raw) == clean)
    }
}

@Suite struct ContentSnifferTests {
    func sniff(_ chunks: [[UInt8]]) -> ContentSniffer.Kind? {
        var sniffer = ContentSniffer()
        for chunk in chunks { chunk.withUnsafeBytes { sniffer.feed($0) } }
        return sniffer.finish()
    }

    @Test func acceptedTypesAreKnownByTheirFirstBytes() {
        #expect(sniff([Array("%PDF-1.7\n".utf8)]) == .pdf)
        #expect(sniff([[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]]) == .png)
        #expect(sniff([[0xFF, 0xD8, 0xFF, 0xE0]]) == .jpeg)
        #expect(sniff([Array("GIF89a....".utf8)]) == .gif)
        #expect(sniff([Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8)]) == .webp)
        #expect(sniff([Array("Zamówienie 123\r\n\tnr\n".utf8)]) == .text)
    }

    @Test func theMagicMaySpanChunksAndTextMaySplitACharacter() {
        #expect(sniff([Array("%P".utf8), Array("DF-1.4".utf8)]) == .pdf)
        let bytes = Array("żółć".utf8)
        #expect(sniff([Array(bytes[0..<1]), Array(bytes[1...])]) == .text)
    }

    @Test func everythingElseIsRefused() {
        #expect(sniff([[0x4D, 0x5A, 0x90, 0x00]]) == nil, "an executable")
        #expect(sniff([Array("PK\u{3}\u{4}".utf8)]) == nil, "a zip")
        #expect(sniff([[0x61, 0x00, 0x62]]) == nil, "a NUL byte is not text")
        #expect(sniff([[0xC3, 0x28]]) == nil, "invalid UTF-8")
        #expect(sniff([[0xE2, 0x82]]) == nil, "text cut in the middle of a character")
        #expect(sniff([[0xED, 0xA0, 0x80]]) == nil, "a surrogate")
        #expect(sniff([]) == nil, "empty")
        #expect(sniff([Array("<html><script>".utf8)]) == .text, "HTML is only ever served as plain text")
    }
}

@Suite struct NextPathTests {
    @Test(arguments: [("/account", "/account"), ("/cases/x?y=1", "/cases/x?y=1")] as [(String, String?)]
                     + [("//evil.example", nil), ("https://evil.example", nil), ("/\\evil", nil), ("javascript:alert(1)", nil),
                        ("/a b", nil), ("", nil), ("/x\r\nLocation: //evil", nil)] as [(String, String?)])
    func onlyPathsOnThisSite(raw: String, expected: String?) {
        #expect(safeNextPath(raw) == expected)
    }
}

@Suite struct CSRFTests {
    @Test func tokensAreBoundToTheirSessionCookie() {
        let csrf = CSRF(secret: Array(repeating: 7, count: 32))
        let token = csrf.token(for: "cookie-a")
        #expect(token.count == 64)
        #expect(csrf.isValid(token, for: "cookie-a"))
        #expect(!csrf.isValid(token, for: "cookie-b"))
        #expect(!csrf.isValid(nil, for: "cookie-a"))
        #expect(!csrf.isValid(token, for: nil))
        #expect(!csrf.isValid(String(token.dropLast()) + "0", for: "cookie-a") || token.last == "0")
        #expect(!CSRF(secret: Array(repeating: 8, count: 32)).isValid(token, for: "cookie-a"), "another server secret")
    }

    /// The prepared HMAC gives what HMAC-SHA256 over "csrf:" + cookie gives (tokens in
    /// pages already open stay valid across the change), for every page of a session.
    @Test func aTokenIsTheHMACOfTheCookie() {
        for length in [32, 64, 100] {
            let secret = (0..<length).map { UInt8($0 * 7 % 256) }
            let csrf = CSRF(secret: secret)
            for cookie in ["", "a", Secrets.newToken(), String(repeating: "z", count: 300)] {
                let expected = HMAC<SHA256>.authenticationCode(for: Array(("csrf:" + cookie).utf8), using: SymmetricKey(data: secret))
                #expect(csrf.token(for: cookie) == Secrets.hex(expected), "a \(length)-byte secret")
                #expect(csrf.token(for: cookie) == csrf.token(for: cookie), "the prepared hashes are not used up")
            }
        }
    }
}

@Suite struct MultipartGuardTests {
    func accepts(_ body: [UInt8], chunk: Int) -> Bool {
        var guardian = MultipartGuard(boundary: "XyZ")
        var index = 0
        while index < body.count {
            let end = min(body.count, index + chunk)
            if !body[index..<end].withUnsafeBytes({ guardian.accept($0) }) { return false }
            index = end
        }
        return true
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func aHeaderNameWithAByteOver127IsStoppedWhateverTheChunking(chunk: Int) {
        let good = Array("--XyZ\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"zażółć.pdf\"\r\n\r\n\u{00FF}\u{00FE}body\r\n--XyZ--\r\n".utf8)
        #expect(accepts(good, chunk: chunk), "UTF-8 in a header value is fine")
        let binaryBody = Array("--XyZ\r\nA: b\r\n\r\n".utf8) + [0xC3, 0x0D, 0x0A, 0xFF] + Array("\r\n--XyZ\r\nB: c\r\n\r\nx\r\n--XyZ--".utf8)
        #expect(accepts(binaryBody, chunk: chunk), "any bytes in a body")
        let bad = Array("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ\r\nCont".utf8) + [0xC4, 0x85] + Array("nt: x\r\n\r\n".utf8)
        #expect(!accepts(bad, chunk: chunk), "a byte over 127 in the second part's header name")
        let epilogue = Array("--XyZ\r\nA: b\r\n\r\nx\r\n--XyZ--\r\n".utf8) + [0xFF, 0x3A]
        #expect(accepts(epilogue, chunk: chunk), "the epilogue is ignored")
    }

    /// The guard skips through a part's body to the next CR in one step; every short body
    /// made of the characters that matter (CRs, half delimiters) must still end where the
    /// parser ends it, whatever the chunking, so that a bad header after it is caught.
    @Test(arguments: [1, 2, 5, 4096])
    func everyShortBodyEndsWhereTheParserEndsIt(chunk: Int) {
        let alphabet = Array("-\r\nXZa".utf8)
        var contents: [[UInt8]] = [[]]
        for _ in 0..<4 { contents += contents.filter { $0.count == contents.last!.count }.flatMap { c in alphabet.map { c + [$0] } } }
        let opening = Array("--XyZ\r\nA: b\r\n\r\n".utf8) + Array(repeating: UInt8(ascii: "a"), count: 300)
        for content in contents {
            let prefix = opening + content + Array("\r\n--XyZ\r\nCont".utf8)
            let parser = MultipartParser(boundary: "XyZ")
            var names: [String] = []
            parser.onHeader = { name, _ in names.append(name) }
            try? parser.execute(prefix + Array("Ant: x\r\n\r\n".utf8))
            let parserReaches = names.contains("ContAnt")
            #expect(accepts(prefix + [0xFF] + Array("nt: x\r\n\r\n".utf8), chunk: chunk) == !parserReaches, "content \(content)")
        }
    }

    /// Whether multipart-kit itself gets to the header name after this preamble: the
    /// same body with a harmless byte where the bad one would be, parsed for real.
    func parserReadsHeaderName(after preamble: [UInt8]) -> Bool {
        let parser = MultipartParser(boundary: "XyZ")
        var names: [String] = []
        parser.onHeader = { name, _ in names.append(name) }
        try? parser.execute(preamble + Array("--XyZ\r\nContAnt: x\r\n\r\n".utf8))
        return names.contains("ContAnt")
    }

    /// multipart-kit finds the first "--boundary" anywhere in the preamble, even glued to
    /// text before it, and its match restarts naively (make fuzz found "??--XyZ"); the
    /// guard must read every preamble the way the parser does. Every preamble of up to
    /// four bytes from the characters that matter, against the real parser.
    @Test(arguments: [1, 3, 4096])
    func everyShortPreambleIsReadTheWayTheParserReadsIt(chunk: Int) {
        let alphabet = Array("-\r\nXZx".utf8)
        var preambles: [[UInt8]] = [[]]
        for _ in 0..<4 { preambles += preambles.filter { $0.count == preambles.last!.count }.flatMap { p in alphabet.map { p + [$0] } } }
        var reached = 0
        for preamble in preambles {
            let body = preamble + Array("--XyZ\r\nCont".utf8) + [0xFF] + Array("nt: x\r\n\r\n".utf8)
            let parserReaches = parserReadsHeaderName(after: preamble)
            if parserReaches { reached += 1 }
            #expect(accepts(body, chunk: chunk) == !parserReaches, "preamble \(preamble)")
        }
        #expect(reached > 100, "the sample holds many preambles the parser reads through")
        let afterSyntaxError = Array("--XyZ\r\n:".utf8) + [0xFF]
        #expect(accepts(afterSyntaxError, chunk: chunk), "the parser throws at the colon and reads no further")
    }
}

@Suite struct ResponseHeaderTests {
    /// A value with CR or LF cannot start a header of its own: both bytes are dropped,
    /// also as a CRLF pair (which Swift counts as one Character).
    @Test func headerValuesCannotSplitTheResponse() {
        var response = HTTPResponse(status: 303, headers: [("Location", "/x\r\nSet-Cookie: evil=1"), ("X-A", "a\nb\rc")])
        response.body = Array("hi".utf8)
        let block = String(decoding: response.headerBlock(), as: UTF8.self)
        #expect(block == "Status: 303 See Other\r\nLocation: /xSet-Cookie: evil=1\r\nX-A: abc\r\nContent-Length: 2\r\n\r\n")
        let accel = HTTPResponse(status: 200, headers: [("X-Accel-Redirect", "/_documents/a")])
        #expect(!String(decoding: accel.headerBlock(), as: UTF8.self).contains("Content-Length"))
    }

    /// Names match ignoring ASCII case only: "[" is not "{", though they differ by the
    /// case bit, and a set header replaces the one of the same name.
    @Test func headerNamesMatchIgnoringASCIICase() {
        #expect(HTTPResponse.sameName("Content-Type", "content-TYPE"))
        #expect(!HTTPResponse.sameName("Content-Type", "Content-Typf"))
        #expect(!HTTPResponse.sameName("X-[", "x-{"))
        #expect(!HTTPResponse.sameName("@", "`"))
        #expect(!HTTPResponse.sameName("Location", "Locatio"))
        var response = HTTPResponse(status: 200, headers: [("content-type", "a"), ("X-B", "b")])
        response.setHeader("Content-Type", "c")
        #expect(response.headers.map(\.0) == ["X-B", "Content-Type"])
        #expect(response.header("CONTENT-type") == "c")
        #expect(response.header("X-C") == nil)
    }
}

/// Who may read `/metrics` (README, Operating it: Metrics).
@Suite struct MetricsAccessTests {
    static let token = "a-metrics-token-of-32-characters"

    @Test(arguments: [
        ("127.0.0.1", nil, nil, true), ("::1", nil, nil, true), ("::ffff:127.0.0.1", nil, nil, true),
        ("203.0.113.7", nil, nil, false), ("203.0.113.7", "Bearer a-metrics-token-of-32-characters", nil, false),
        ("203.0.113.7", "Bearer a-metrics-token-of-32-characters", token, true),
        ("203.0.113.7", "bearer a-metrics-token-of-32-characters", token, true),
        ("203.0.113.7", "Bearer a-metrics-token-of-32-characterz", token, false),
        ("203.0.113.7", "Bearer ", token, false), ("203.0.113.7", "Basic a-metrics-token-of-32-characters", token, false),
        (nil, nil, token, false), ("127.0.0.2", nil, nil, false),
    ] as [(String?, String?, String?, Bool)])
    func onlyThisMachineOrTheTokensBearerReadsMetrics(remote: String?, authorization: String?, token: String?, allowed: Bool) {
        #expect(MetricsAccess.allows(remoteAddress: remote, authorization: authorization, token: token) == allowed)
    }
}
