import CFastCGI

/// The request body as libfcgi delivers it. nginx buffers the whole body before it talks
/// to us (request buffering on), so reads never wait on a slow client.
public final class RequestBody {
    private let stream: UnsafeMutablePointer<FCGX_Stream>?
    /// Bytes given in memory instead of a libfcgi stream (tests, fuzzing).
    private let bytes: [UInt8]
    private let chunkLimit: Int
    private var finished = false
    /// Bytes handed out so far.
    public private(set) var bytesRead = 0

    init(stream: UnsafeMutablePointer<FCGX_Stream>?) {
        self.stream = stream
        self.bytes = []
        self.chunkLimit = .max
    }

    /// A body that already sits in memory. `chunk` caps each read, to exercise readers
    /// with bodies that arrive in small pieces.
    public init(bytes: [UInt8], chunk: Int = .max) {
        self.stream = nil
        self.bytes = bytes
        self.chunkLimit = max(1, chunk)
    }

    public static func empty() -> RequestBody { RequestBody(bytes: []) }

    /// Reads up to `buffer.count` bytes; returns 0 at the end of the body.
    /// A short read from libfcgi means the end of the body.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        guard let stream else {
            let n = min(buffer.count, chunkLimit, bytes.count - bytesRead)
            guard n > 0 else {
                finished = true
                return 0
            }
            bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress! + bytesRead, byteCount: n) }
            bytesRead += n
            return n
        }
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
