import Foundation
import Testing

@testable import FastCGI

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct StdoutRecordsTests {
    /// Parts across several records reach the other end whole and in order, framed as
    /// FastCGI stdout records of at most 65,535 bytes, even when the socket takes them a
    /// little at a time (non-blocking, read slowly).
    @Test(arguments: [[0, 0], [10, 0], [0, 70_000], [100, 200_000], [65_535, 1], [300, 65_235], [1, 131_070]])
    func partsGoOutAsRecordsWholeAndInOrder(sizes: [Int]) throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { close(fds[1]) }
        var small: Int32 = 4096
        setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        let parts = sizes.enumerated().map { index, size in (0..<size).map { UInt8(truncatingIfNeeded: $0 * 7 + index) } }
        let reader = fds[1]
        let received = Received()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { finished.signal() }
            var buffer = [UInt8](repeating: 0, count: 1000)
            while true {
                let n = read(reader, &buffer, buffer.count)
                if n <= 0 { break }
                received.append(buffer[..<n])
                usleep(50)
            }
        }
        thread.start()
        try StdoutRecords(fd: fds[0], requestID: 258).write(parts[0], parts[1])
        close(fds[0])
        finished.wait()  // the reader saw the end of the stream

        var content: [UInt8] = []
        var bytes = received.bytes[...]
        while !bytes.isEmpty {
            let header = Array(bytes.prefix(8))
            #expect(header[0] == 1 && header[1] == 6, "version 1, FCGI_STDOUT")
            #expect(Int(header[2]) << 8 | Int(header[3]) == 258, "the request's id")
            let length = Int(header[4]) << 8 | Int(header[5])
            #expect(length > 0 && length <= 65_535 && header[6] == 0)
            content += bytes.dropFirst(8).prefix(length)
            bytes = bytes.dropFirst(8 + length)
        }
        #expect(content == parts[0] + parts[1])
    }
}

/// What the reading thread got so far.
private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UInt8] = []

    func append(_ more: ArraySlice<UInt8>) { lock.withLock { stored += more } }
    var bytes: [UInt8] { lock.withLock { stored } }
}

/// The malloc setting `bp serve` starts itself again with is added to the operator's
/// own settings, and not at all when they chose the cache's size themselves.
@Suite struct MallocTuningSettingTests {
    @Test func theSettingIsAddedToTheOperatorsOwn() {
        #expect(MallocTuning.tunables(adding: "") == "glibc.malloc.tcache_count=64")
        #expect(MallocTuning.tunables(adding: "glibc.malloc.arena_max=2") == "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=64")
        #expect(MallocTuning.tunables(adding: "glibc.malloc.tcache_count=16") == nil)
        #expect(MallocTuning.tunables(adding: "glibc.malloc.arena_max=2:glibc.malloc.tcache_count=0") == nil)
    }
}
