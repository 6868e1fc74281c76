/// One request as the FastCGI peer (nginx) handed it over: the CGI parameters, copied
/// out of libfcgi's memory at once (it frees them at `FCGX_Finish_r`), and the body as a
/// stream that is read in chunks so uploads never have to fit in memory.
public struct HTTPRequest {
    public let params: CGIParams
    public let body: RequestBody

    public init(params: CGIParams, body: RequestBody) {
        self.params = params
        self.body = body
    }

    public var method: String { params["REQUEST_METHOD"] ?? "GET" }

    /// The path without the query string, still percent-encoded as the client sent it.
    public var path: String {
        let uri = params["REQUEST_URI"] ?? params["DOCUMENT_URI"] ?? "/"
        // By bytes: finding a Character walks grapheme clusters, about 400 instructions
        // a character (a case page's path was 5 % of the page).
        if let q = uri.utf8.firstIndex(of: UInt8(ascii: "?")) { return String(uri[..<q]) }
        return uri
    }

    public var queryString: String { params["QUERY_STRING"] ?? "" }
    public var contentType: String? { params["CONTENT_TYPE"].flatMap { $0.isEmpty ? nil : $0 } }
    public var contentLength: Int? { params["CONTENT_LENGTH"].flatMap { Int($0) } }
    public var remoteAddress: String { params["REMOTE_ADDR"] ?? "" }

    /// A request header by its HTTP name ("Authorization", "Idempotency-Key").
    public func header(_ name: String) -> String? {
        // The CGI name ("HTTP_IDEMPOTENCY_KEY") by bytes: Foundation's replacingOccurrences
        // goes through NSString, and the API asks for a header on every request.
        var key: [UInt8] = Array("HTTP_".utf8)
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "-"): key.append(UInt8(ascii: "_"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): key.append(byte - 32)
            default: key.append(byte)
            }
        }
        return params[String(decoding: key, as: UTF8.self)]
    }
}
