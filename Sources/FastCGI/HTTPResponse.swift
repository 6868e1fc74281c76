/// What a handler answers: a status, headers and a body of bytes. Written back through
/// libfcgi as a CGI response (`Status:` line, headers, blank line, body).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// A body written as it is made (an export of many rows), after the headers and
    /// instead of `body`, so memory does not grow with its length. It has no
    /// Content-Length; nginx reads it to the end of the FastCGI stream.
    public var stream: (@Sendable (BodyWriter) throws -> Void)?

    public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, body: String) {
        self.init(status: status, headers: [("Content-Type", contentType)], body: Array(body.utf8))
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { Self.sameName($0.0, name) }
        headers.append((name, value))
    }

    public func header(_ name: String) -> String? {
        headers.first { Self.sameName($0.0, name) }?.1
    }

    /// Header names compared as HTTP compares them, ignoring ASCII case, on their bytes:
    /// `lowercased()` made two Strings for every header at every set (4 k instructions a page).
    static func sameName(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count
            && a.utf8.elementsEqual(b.utf8) { x, y in x == y || (x | 0x20 == y | 0x20 && x | 0x20 >= 0x61 && x | 0x20 <= 0x7A) }
    }

    /// The CGI header block. Header values never contain CR or LF: handlers only set
    /// values they built themselves, but strip them here too so a bug cannot split a response.
    func headerBlock() -> [UInt8] {
        // Bytes appended to one buffer (it is written for every response).
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out += "Status: ".utf8
        out += String(status).utf8
        out.append(0x20)
        out += HTTPResponse.reason(status).utf8
        out += [0x0D, 0x0A]
        var hasLength = false
        var accel = false
        for (name, value) in headers {
            out += name.utf8
            out += [0x3A, 0x20]
            for byte in value.utf8 where byte != 0x0D && byte != 0x0A { out.append(byte) }
            out += [0x0D, 0x0A]
            if !hasLength && Self.sameName(name, "content-length") { hasLength = true }
            if !accel && Self.sameName(name, "x-accel-redirect") { accel = true }
        }
        if !hasLength && !accel && stream == nil {
            out += "Content-Length: ".utf8
            out += String(body.count).utf8
            out += [0x0D, 0x0A]
        }
        out += [0x0D, 0x0A]
        return out
    }

    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 303: "See Other"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 410: "Gone"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
