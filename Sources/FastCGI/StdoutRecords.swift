import CFastCGI

#if canImport(Glibc)
    import Glibc
#endif

/// Writes response bytes to nginx as FastCGI `FCGI_STDOUT` records with one `writev(2)`,
/// straight to the request's connection.
///
/// libfcgi's output stream has an 8 KB buffer it cannot be given a larger one of: a list
/// page of 26 KB left in four writes, each waking nginx. Only the records' framing is done
/// here (an 8-byte header before at most 65,535 bytes); libfcgi still accepts, reads the
/// parameters and the body, and at `FCGX_Finish_r` writes the stream's end and
/// `FCGI_END_REQUEST`. Its own buffer must hold nothing when these records are written,
/// or the bytes would reach nginx out of order: the server writes a response either all
/// through here or all through libfcgi.
struct StdoutRecords {
    struct Failed: Error, CustomStringConvertible {
        let errno: Int32
        var description: String { "writing to nginx failed: " + String(cString: strerror(errno)) }
    }

    let fd: Int32
    let requestID: Int32

    init(_ request: UnsafeMutablePointer<FCGX_Request>) {
        fd = request.pointee.ipcFd
        requestID = request.pointee.requestId
    }

    /// Records on any socket (the tests' socket pair).
    init(fd: Int32, requestID: Int32) {
        self.fd = fd
        self.requestID = requestID
    }

    /// The records for `parts`, in order, sent whole or not at all (then `Failed`). The
    /// records' headers and the parts' bytes go out together by `writev`: copying a page
    /// into one buffer first was a page-sized allocation and copy per request.
    func write(_ parts: [UInt8]...) throws {
        let total = parts.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        let recordSize = 65_535
        let recordCount = (total + recordSize - 1) / recordSize
        var headers = [UInt8](repeating: 0, count: 8 * recordCount)
        for record in 0..<recordCount {
            // version 1, FCGI_STDOUT, request id, content length, no padding
            let length = min(recordSize, total - record * recordSize)
            headers[record * 8] = 1
            headers[record * 8 + 1] = 6
            headers[record * 8 + 2] = UInt8(truncatingIfNeeded: requestID >> 8)
            headers[record * 8 + 3] = UInt8(truncatingIfNeeded: requestID)
            headers[record * 8 + 4] = UInt8(length >> 8)
            headers[record * 8 + 5] = UInt8(length & 0xFF)
        }
        try headers.withUnsafeBytes { headerBytes in
            try withPointers(to: parts) { pieces in
                // Each record: its header, then its share of the parts' bytes, in order.
                var vectors: [iovec] = []
                vectors.reserveCapacity(recordCount * 2 + pieces.count)
                var piece = 0
                var offset = 0
                for record in 0..<recordCount {
                    vectors.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: headerBytes.baseAddress! + record * 8), iov_len: 8))
                    var needed = min(recordSize, total - record * recordSize)
                    while needed > 0 {
                        if offset == pieces[piece].count {
                            piece += 1
                            offset = 0
                            continue
                        }
                        let take = min(needed, pieces[piece].count - offset)
                        let start = UnsafeMutableRawPointer(mutating: pieces[piece].baseAddress! + offset)
                        vectors.append(iovec(iov_base: start, iov_len: take))
                        offset += take
                        needed -= take
                    }
                }
                try send(&vectors)
            }
        }
    }

    /// Linux's `IOV_MAX` (not imported into Swift).
    private static let vectorsPerCall = 1024

    /// Every vector written, however many calls the socket takes.
    private func send(_ vectors: inout [iovec]) throws {
        try vectors.withUnsafeMutableBufferPointer { vectors in
            var first = 0
            while first < vectors.count {
                let n = writev(fd, vectors.baseAddress! + first, Int32(min(vectors.count - first, Self.vectorsPerCall)))
                if n < 0 && errno == EINTR { continue }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    // nginx reads slower than we write: wait until the socket takes more.
                    var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    guard poll(&ready, 1, 120_000) == 1 else { throw Failed(errno: errno) }
                    continue
                }
                guard n > 0 else { throw Failed(errno: errno) }
                var written = n
                while first < vectors.count && written >= vectors[first].iov_len {
                    written -= vectors[first].iov_len
                    first += 1
                }
                if written > 0, let base = vectors[first].iov_base {
                    vectors[first].iov_base = base + written
                    vectors[first].iov_len -= written
                }
            }
        }
    }
}

/// The parts' bytes as raw pointers, valid inside `body`.
private func withPointers<R>(to parts: [[UInt8]], _ body: ([UnsafeRawBufferPointer]) throws -> R) rethrows -> R {
    func nest(_ index: Int, _ pointers: [UnsafeRawBufferPointer]) throws -> R {
        guard index < parts.count else { return try body(pointers) }
        return try parts[index].withUnsafeBytes { try nest(index + 1, pointers + [$0]) }
    }
    return try nest(0, [])
}
