import Foundation
import Testing

/// `bp serve` runs with glibc's cache of freed blocks raised (`MallocTuning`): it starts
/// itself again with the setting, keeps serving, and leaves an operator's own setting alone.
@Suite struct MallocTuningTests {
    /// The environment `bp serve` was started with (its last start: `exec` replaces it).
    func tunables(of stack: Stack) throws -> String? {
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(stack.servePID)/environ"))
        return environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            .first { $0.hasPrefix("GLIBC_TUNABLES=") }.map { String($0.dropFirst("GLIBC_TUNABLES=".count)) }
    }

    @Test func serveRunsWithTheLargerCacheAndServes() throws {
        let stack = try Stack()
        defer { stack.stop() }
        #expect(try tunables(of: stack) == "glibc.malloc.tcache_count=64")
        #expect(try stack.browser().get("/").status == 200)
    }

    @Test func anOperatorsOwnCacheSizeIsKept() throws {
        let stack = try Stack(environment: ["GLIBC_TUNABLES": "glibc.malloc.tcache_count=16"])
        defer { stack.stop() }
        #expect(try tunables(of: stack) == "glibc.malloc.tcache_count=16")
        #expect(try stack.browser().get("/").status == 200)
    }
}
