import CFastCGI
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A FastCGI responder on libfcgi: N threads, each accepting on one unix socket and
/// serving one request at a time with plain blocking I/O.
public final class FastCGIServer: @unchecked Sendable {
    public let socketPath: String
    public let threadCount: Int
    private let responder: any Responder
    private let logger: Logger
    private var listenFD: Int32 = -1
    private var threads: [pthread_t] = []

    public init(socketPath: String, threadCount: Int, responder: any Responder, logger: Logger) {
        self.socketPath = socketPath
        self.threadCount = max(1, threadCount)
        self.responder = responder
        self.logger = logger
    }

    /// Pages are built in buffers of tens of kilobytes; with glibc's defaults each one is
    /// handed back to the kernel when freed (madvise/munmap) and faulted in again by the
    /// next request. Keep freed memory in the process instead (it is reused at once).
    public static func keepFreedMemory() {
        mallopt(M_MMAP_THRESHOLD, 32 << 20)
        mallopt(M_TRIM_THRESHOLD, 128 << 20)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting, waits for the requests in
    /// flight and returns. Call from the main thread.
    public func runUntilStopped() throws {
        SignalWaiter.blockStopSignals()
        listenFD = try ListeningSocket.open(path: socketPath)
        guard FCGX_Init() == 0 else { throw ListeningSocketError.system("FCGX_Init", errno) }
        for index in 0..<threadCount {
            threads.append(try startWorker(index: index))
        }
        logger.info("serving", metadata: ["socket": "\(socketPath)", "threads": "\(threadCount)"])

        let signal = SignalWaiter.waitForStopSignal()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        FCGX_ShutdownPending()
        // Wakes every thread blocked in accept(); in-flight requests are not affected.
        shutdown(listenFD, Int32(SHUT_RDWR))
        for thread in threads { pthread_join(thread, nil) }
        close(listenFD)
        unlink(socketPath)
        logger.info("stopped")
    }

    private func startWorker(index: Int) throws -> pthread_t {
        let box = Unmanaged.passRetained(WorkerBox(server: self, index: index))
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 4 << 20)
        defer { pthread_attr_destroy(&attributes) }
        let rc = pthread_create(
            &thread, &attributes,
            { raw in
                let box = Unmanaged<WorkerBox>.fromOpaque(raw!).takeRetainedValue()
                box.server.workerLoop(index: box.index)
                return nil
            }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw ListeningSocketError.system("pthread_create", rc)
        }
        return thread
    }

    private func workerLoop(index: Int) {
        let request = UnsafeMutablePointer<FCGX_Request>.allocate(capacity: 1)
        defer { request.deallocate() }
        FCGX_InitRequest(request, listenFD, 0)
        var scratch = [CChar](repeating: 0, count: 16 * 1024)
        while FCGX_Accept_r(request) >= 0 {
            serve(request)
            if Self.readToEndOfInput(request.pointee.in, scratch: &scratch) { FCGX_Detach(request) }
            FCGX_Finish_r(request)
        }
        FCGX_Free(request, 1)
    }

    private func serve(_ raw: UnsafeMutablePointer<FCGX_Request>) {
        let request = HTTPRequest(params: CGIParams(environment: raw.pointee.envp), body: RequestBody(stream: raw.pointee.in))
        var response: HTTPResponse
        do {
            response = try responder.respond(to: request)
        } catch {
            logger.error(
                "request failed",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.path)", "error": "\(String(reflecting: error))",
                ])
            response = responder.errorResponse(for: error, request: request)
        }
        write(response, to: raw, method: request.method)
    }

    /// A response that fits libfcgi's 8 KB buffer goes through it (one write at
    /// `FCGX_Finish_r`, with the end records); a larger one, or a streamed one, as records
    /// written whole (`StdoutRecords`), then the end records at `FCGX_Finish_r`.
    private func write(_ response: HTTPResponse, to raw: UnsafeMutablePointer<FCGX_Request>, method: String) {
        let head = response.headerBlock()
        let body = method == "HEAD" ? [] : response.body
        if response.stream == nil && head.count + body.count <= Self.libfcgiBuffer {
            guard let stream = raw.pointee.out else { return }
            for part in [head, body] where !part.isEmpty {
                part.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { _ = FCGX_PutStr($0.baseAddress, Int32(buffer.count), stream) }
                }
            }
            return
        }
        let records = StdoutRecords(raw)
        do {
            try records.write(head, body)
            guard method != "HEAD", let produce = response.stream else { return }
            let writer = BodyWriter(records: records)
            try produce(writer)
            try writer.flush()
        } catch let failed as StdoutRecords.Failed where failed.errno == EPIPE || failed.errno == ECONNRESET {
            // nginx let go of the request (its client left): nothing is wrong here.
            logger.debug("nginx closed the connection before the answer was written")
        } catch {
            // The headers may be gone: the client gets a cut-off answer, the log says why.
            logger.error("writing the response failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// What libfcgi's output stream holds before it writes (records' headers included).
    private static let libfcgiBuffer = 8_000

    /// Reads what is left of the request's stdin (for a GET, its empty end record, which
    /// libfcgi has usually read already), up to 256 KB; true if it reached the end.
    ///
    /// Then the request is detached before `FCGX_Finish_r`, which makes libfcgi close the
    /// connection at once instead of its lingering close (shutdown, then poll and read
    /// until nginx closes its end: a thread held for a round trip through nginx, two more
    /// syscalls and a sleep per request). The lingering close is for bytes still unread:
    /// closing a unix socket with unread data sets ECONNRESET on nginx's end. With stdin
    /// read to its end there are none (nginx sends nothing after it); otherwise libfcgi
    /// still closes the long way.
    static func readToEndOfInput(_ input: UnsafeMutablePointer<FCGX_Stream>?, scratch: inout [CChar]) -> Bool {
        guard let input else { return false }
        var budget = 256 * 1024
        while FCGX_HasSeenEOF(input) == 0 && budget > 0 {
            let n = FCGX_GetStr(&scratch, Int32(scratch.count), input)
            if n <= 0 { break }
            budget -= Int(n)
        }
        return FCGX_HasSeenEOF(input) != 0 && FCGX_GetError(input) == 0
    }
}

private final class WorkerBox {
    let server: FastCGIServer
    let index: Int
    init(server: FastCGIServer, index: Int) {
        self.server = server
        self.index = index
    }
}
