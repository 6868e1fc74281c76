import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Files that must survive a power cut once the product has acknowledged them: uploaded
/// documents, delivered mail, backups, the server's secret.
///
/// The rule is Maildir's and PostgreSQL's: a file's bytes are flushed (`fsync`) before
/// its name is made visible (`rename`), and the folder that holds the new name is flushed
/// after it, because on Linux a rename or a new file lives only in the folder's page cache
/// until the folder itself is synced. Only then may a database row that points at the file
/// commit. `Tests/Durability` checks this order in system calls and replays it over
/// simulated power cuts.
public enum DurableFiles {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ action: String, _ path: String, errno code: Int32 = errno) {
            description = "cannot \(action) \(path): \(String(cString: strerror(code)))"
        }
    }

    /// Flushes a file's bytes and size to disk.
    public static func syncFile(atPath path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure("fsync", path) }
    }

    /// Flushes a folder's entries (new names, renames, removals) to disk.
    public static func syncDirectory(atPath path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure("fsync", path) }
    }

    /// Creates `path` and any missing folder above it, flushing each parent that gained an
    /// entry, so a file later renamed into `path` cannot be lost with its folder.
    public static func createDirectories(atPath path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try createDirectories(atPath: parent) }
        if mkdir(path, 0o755) != 0 {
            // Another process made it meanwhile: fine, and it syncs its own parent.
            guard errno == EEXIST else { throw Failure("create folder", path) }
            return
        }
        try syncDirectory(atPath: parent.isEmpty ? "." : parent)
    }

    /// Moves a complete file to `target` durably: the file's bytes first, the rename, then
    /// the folder's entry. The target's folder must exist (see `createDirectories`).
    public static func moveSynced(_ source: String, to target: String) throws {
        try syncFile(atPath: source)
        guard rename(source, target) == 0 else { throw Failure("rename to", target) }
        try syncDirectory(atPath: (target as NSString).deletingLastPathComponent)
    }

    /// Writes `bytes` to `path` so that a reader, or the disk after a power cut, sees the
    /// old file or the whole new one: a temporary file beside it, flushed, renamed over it,
    /// and the folder flushed.
    public static func write(_ bytes: [UInt8], toPath path: String, permissions: mode_t = 0o644) throws {
        let temporary = path + ".\(getpid()).tmp"
        try writeNew(bytes, toPath: temporary, permissions: permissions)
        do {
            try moveSynced(temporary, to: path)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Copies a file durably, a megabyte at a time (a database may be large): the copy is
    /// written beside `target`, flushed, renamed over it, and its folder flushed.
    public static func copy(from source: String, to target: String) throws {
        let temporary = try copyToTemporary(from: source, besides: target)
        do {
            try moveSynced(temporary, to: target)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Copies a file to `target` (written beside it and renamed) without flushing anything:
    /// for many files at once, made durable together by `syncFiles` afterwards.
    public static func copyUnsynced(from source: String, to target: String) throws {
        let temporary = try copyToTemporary(from: source, besides: target)
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure("rename", temporary, errno: code)
        }
    }

    /// Flushes many files, and then their folders, with several flushes in flight at once:
    /// the file system commits concurrent flushes together, where one `fsync` after another
    /// each wait for their own commit (a replica pass of 500 documents took seconds so).
    public static func syncFiles(_ paths: [String], concurrency: Int = 16) throws {
        try syncConcurrently(paths, concurrency: concurrency, syncFile(atPath:))
        let folders = Set(paths.map { ($0 as NSString).deletingLastPathComponent })
        try syncConcurrently(Array(folders), concurrency: concurrency, syncDirectory(atPath:))
    }

    private static func syncConcurrently(
        _ paths: [String], concurrency: Int, _ sync: @escaping @Sendable (String) throws -> Void
    ) throws {
        guard !paths.isEmpty else { return }
        let lanes = min(concurrency, paths.count)
        let done = DispatchSemaphore(value: 0)
        let failures = FailureList()
        for lane in 0..<lanes {
            let share = stride(from: lane, to: paths.count, by: lanes).map { paths[$0] }
            // Threads of their own: a flush blocks on the disk, and Dispatch's pool would run
            // no more of them at once than there are cores.
            Thread {
                for path in share {
                    do { try sync(path) } catch { failures.append(error) }
                }
                done.signal()
            }.start()
        }
        for _ in 0..<lanes { done.wait() }
        if let first = failures.first { throw first }
    }

    private final class FailureList: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [any Error] = []
        func append(_ error: any Error) { lock.withLock { errors.append(error) } }
        var first: (any Error)? { lock.withLock { errors.first } }
    }

    /// `source`'s bytes in a new file beside `target`; returns its name.
    private static func copyToTemporary(from source: String, besides target: String) throws -> String {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Failure("read", source) }
        defer { close(input) }
        let temporary = target + ".\(getpid()).tmp"
        unlink(temporary)
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw Failure("create", temporary) }
        var failure: Failure?
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        copying: while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { failure = Failure("read", source) }
            if count <= 0 { break }
            var offset = 0
            while offset < count {
                let n = buffer.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + offset, count - offset) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 {
                    failure = Failure("write", temporary)
                    break copying
                }
                offset += n
            }
        }
        close(output)
        if let failure {
            unlink(temporary)
            throw failure
        }
        return temporary
    }

    /// Writes a new file (it must not exist) and flushes it; its name is not yet durable.
    public static func writeNew(_ bytes: [UInt8], toPath path: String, permissions: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw Failure("create", path) }
        var failure: Failure?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0, errno == EINTR { continue }
                if n <= 0 {
                    failure = Failure("write", path)
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = Failure("fsync", path) }
        close(fd)
        if let failure {
            unlink(path)
            throw failure
        }
    }
}
