/// The application behind the FastCGI server. Called on one of the worker threads, one
/// request at a time per thread; implementations must be safe to call from several threads.
public protocol Responder: Sendable {
    func respond(to request: HTTPRequest) throws -> HTTPResponse
    /// The answer when `respond` throws: a page that shows nothing of the error.
    func errorResponse(for error: any Error, request: HTTPRequest) -> HTTPResponse
}

extension Responder {
    public func errorResponse(for error: any Error, request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(status: 500, contentType: "text/plain; charset=utf-8", body: "Internal Server Error\n")
    }
}
