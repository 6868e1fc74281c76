import Crypto
import FastCGI
import Foundation
import Operations

/// `GET /metrics` in the Prometheus text format. nginx is the only thing listening on TCP
/// and passes the address it was reached from, so a scraper on the same machine is let
/// in by that address; one elsewhere sends `Authorization: Bearer $BP_METRICS_TOKEN`.
/// Anyone else is told there is nothing here.
struct MetricsEndpoint {
    let app: App

    func respond(_ request: HTTPRequest) throws -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD",
            MetricsAccess.allows(
                remoteAddress: request.params["REMOTE_ADDR"], authorization: request.header("Authorization"),
                token: app.config.metricsToken)
        else {
            return HTTPResponse(status: 404, contentType: "text/plain; charset=utf-8", body: "404\n")
        }
        var response = HTTPResponse(status: 200, body: try app.metricsExposition())
        response.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        response.setHeader("Cache-Control", "no-store")
        return response
    }
}

/// Who may read `/metrics`: the machine itself, or the bearer of the configured token.
enum MetricsAccess {
    static func allows(remoteAddress: String?, authorization: String?, token: String?) -> Bool {
        if let remoteAddress, ["127.0.0.1", "::1", "::ffff:127.0.0.1"].contains(remoteAddress) { return true }
        guard let token, let authorization, authorization.lowercased().hasPrefix("bearer ") else { return false }
        // Compared as hashes, so the time taken says nothing about the token.
        let given = SHA256.hash(data: Array(authorization.dropFirst("bearer ".count).utf8))
        let expected = SHA256.hash(data: Array(token.utf8))
        return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
