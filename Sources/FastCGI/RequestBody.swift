import CFastCGI

/// The request body as libfcgi delivers it. nginx buffers the whole body before it talks
/// to us (request buffering on), so reads never wait on a slow client.
public final class RequestBody {
    private let stream: UnsafeMutablePointer<FCGX_Stream>?
    private var finished = false
    /// Bytes handed out so far.
    public private(set) var bytesRead = 0

    init(stream: UnsafeMutablePointer<FCGX_Stream>?) {
        self.stream = stream
    }

    /// A body for tests and for callers that already hold the bytes.
    public static func empty() -> RequestBody { RequestBody(stream: nil) }

    /// Reads up to `buffer.count` bytes; returns 0 at the end of the body.
    /// A short read from libfcgi means the end of the body.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !finished, let stream, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let n = Int(FCGX_GetStr(base.assumingMemoryBound(to: CChar.self), Int32(clamping: buffer.count), stream))
        if n < buffer.count { finished = true }
        if n > 0 { bytesRead += n }
        return max(n, 0)
    }

    /// Reads the whole body, refusing to hold more than `limit` bytes.
    public func readAll(limit: Int) throws(BodyTooLarge) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(into: $0) }
            if n == 0 { break }
            if result.count + n > limit { throw BodyTooLarge(limit: limit) }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }
}

public struct BodyTooLarge: Error {
    public let limit: Int
}
