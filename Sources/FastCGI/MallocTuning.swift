import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// glibc keeps seven freed blocks of each small size per thread for the next malloc of
/// that size (its tcache); the rest go back into malloc's bins, and taking them out again
/// costs several times as much. A page frees many more than seven of a size at once:
/// SQLite frees the buffer of every column a statement read when the statement ends, and
/// allocates it again on its next run (a case page runs seven). With 64 a size they stay
/// in the cache. callgrind, per request: case page 391 k -> 371 k instructions, queue
/// 777 k -> 767 k, list 791 k -> 779 k. The blocks kept are at most a kilobyte each.
///
/// glibc reads the setting from the environment only when a process starts, so `bp serve`
/// starts itself again with it, once (`exec`: the same process id, arguments and open
/// descriptors). A setting of the operator's own for the cache's size is left alone.
public enum MallocTuning {
    static let tunable = "glibc.malloc.tcache_count"
    static let setting = tunable + "=64"

    /// What `GLIBC_TUNABLES` becomes: the setting added to the operator's own, or nil when
    /// they already chose the cache's size.
    static func tunables(adding current: String) -> String? {
        guard !current.contains(tunable) else { return nil }
        return current.isEmpty ? setting : current + ":" + setting
    }

    public static func restartWithLargerCache() {
        let current = ProcessInfo.processInfo.environment["GLIBC_TUNABLES"] ?? ""
        guard let tunables = tunables(adding: current) else { return }
        setenv("GLIBC_TUNABLES", tunables, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only reached when exec failed: serve with glibc's defaults.
        if current.isEmpty { unsetenv("GLIBC_TUNABLES") } else { setenv("GLIBC_TUNABLES", current, 1) }
    }
}
