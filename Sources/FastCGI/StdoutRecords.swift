import CFastCGI

#if canImport(Glibc)
    import Glibc
#endif

/// Writes response bytes to nginx as FastCGI `FCGI_STDOUT` records with one `write(2)`,
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

    /// The records for `parts`, in order, sent whole or not at all (then `Failed`).
    func write(_ parts: [UInt8]...) throws {
        let total = parts.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        let recordSize = 65_535
        var out: [UInt8] = []
        out.reserveCapacity(total + 8 * (total / recordSize + 1))
        var remaining = total
        var pending = parts.makeIterator()
        var part = pending.next() ?? []
        var offset = 0
        while remaining > 0 {
            let length = min(recordSize, remaining)
            out += [1, 6, UInt8(truncatingIfNeeded: requestID >> 8), UInt8(truncatingIfNeeded: requestID)]
            out += [UInt8(length >> 8), UInt8(length & 0xFF), 0, 0]
            var needed = length
            while needed > 0 {
                if offset == part.count {
                    part = pending.next() ?? []
                    offset = 0
                    continue
                }
                let take = min(needed, part.count - offset)
                out += part[offset..<(offset + take)]
                offset += take
                needed -= take
            }
            remaining -= length
        }
        try out.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + sent, raw.count - sent)
                if n < 0 && errno == EINTR { continue }
                if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    // nginx reads slower than we write: wait until the socket takes more.
                    var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    guard poll(&ready, 1, 120_000) == 1 else { throw Failed(errno: errno) }
                    continue
                }
                guard n > 0 else { throw Failed(errno: errno) }
                sent += n
            }
        }
    }
}
