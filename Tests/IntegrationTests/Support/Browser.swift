import Foundation

/// One visitor: a cookie jar, the last page seen, and helpers to fill and send its forms
/// the way a browser does (urlencoded or multipart, with the page's csrf field).
final class Browser: @unchecked Sendable {
    let port: Int
    var cookies: [String: String] = [:]
    var acceptLanguage: String?
    private(set) var lastPage: HTTPReply?
    /// Whether `/api/v1/` answers are kept for `scripts/validate-api` (not for other
    /// servers with such paths, Prometheus's).
    var recordsShopAPI = true

    init(port: Int) {
        self.port = port
    }

    struct File {
        let name: String
        let contentType: String
        let bytes: [UInt8]
    }

    @discardableResult
    func get(_ path: String, headers: [(String, String)] = []) throws -> HTTPReply {
        let reply = try request("GET", path, headers: headers, body: [])
        lastPage = reply
        return reply
    }

    /// Posts an urlencoded form; `csrf` is taken from the last page unless given.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil, withCSRF: Bool = true) throws -> HTTPReply {
        var all = fields
        if withCSRF { all.insert(("csrf", csrf ?? self.csrf() ?? ""), at: 0) }
        let body = all.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return try request("POST", path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
    }

    /// Posts a multipart form with files, as a browser does for enctype="multipart/form-data".
    @discardableResult
    func postMultipart(_ path: String, _ fields: [(String, String)], files: [File] = [], csrf: String? = nil,
                       withCSRF: Bool = true) throws -> HTTPReply {
        var all = fields
        if withCSRF { all.insert(("csrf", csrf ?? self.csrf() ?? ""), at: 0) }
        let boundary = "----bptest\(UInt64.random(in: 0...UInt64.max))"
        var body: [UInt8] = []
        for (name, value) in all {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.contentType)\r\n\r\n".utf8)
            body += file.bytes
            body += Array("\r\n".utf8)
        }
        if files.isEmpty {
            // An untouched file input still sends an empty part, as browsers do.
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return try request("POST", path, headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: body)
    }

    func request(_ method: String, _ path: String, headers: [(String, String)], body: [UInt8]) throws -> HTTPReply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nUser-Agent: bp-tests\r\n"
        if !cookies.isEmpty { head += "Cookie: " + cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") + "\r\n" }
        if let acceptLanguage { head += "Accept-Language: \(acceptLanguage)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if method == "POST" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let reply = try HTTPClient.send(port: port, raw: Array(head.utf8) + body)
        if recordsShopAPI && path.hasPrefix("/api/v1/") { APIExchanges.record(method: method, path: path, headers: headers, reply: reply) }
        for cookie in reply.headers("Set-Cookie") {
            let pair = cookie.split(separator: ";").first ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { cookies[String(parts[0])] = String(parts[1]) }
            if parts.count == 1 { cookies[String(parts[0])] = nil }  // "name=": cleared
        }
        return reply
    }

    /// Follows a redirect the way a browser would (one hop).
    @discardableResult
    func follow(_ reply: HTTPReply) throws -> HTTPReply {
        guard let location = reply.location else { return reply }
        let path = location.hasPrefix("http") ? String(location.drop(while: { $0 != "/" }).dropFirst(2).drop(while: { $0 != "/" })) : location
        return try get(path)
    }

    /// The csrf token of the last page's first form.
    func csrf() -> String? {
        guard let text = lastPage?.text else { return nil }
        return Browser.firstMatch(#"name="csrf" value="([0-9a-f]+)""#, in: text)
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: match.numberOfRanges > 1 ? 1 : 0), in: text) else { return nil }
        return String(text[range])
    }

    static func allMatches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: $0.numberOfRanges > 1 ? 1 : 0), in: text).map { String(text[$0]) }
        }
    }

    private func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
