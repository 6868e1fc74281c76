import Foundation
import GRDB

/// The one SQLite database (WAL) of a data folder, shared by `bp serve`, `bp worker` and
/// `bp tick`: many readers, one writer at a time, writers of several processes waiting
/// on each other through SQLite's busy timeout.
public final class AppDatabase: Sendable {
    public let pool: DatabasePool
    /// Each thread that reads gets a read-only connection of its own (see `read`).
    private let threadReaders: ThreadReaders
    /// Concurrent write transactions share one commit (see `GroupCommit`).
    let groupCommit: GroupCommit

    /// How SQLite flushes commits (`PRAGMA synchronous`).
    public enum Synchronous: String, Sendable, CaseIterable {
        /// Every commit's WAL frames are fsync'd before the commit returns: what the
        /// product acknowledged survives a power cut. The default.
        case full = "FULL"
        /// The WAL is fsync'd only at checkpoints: a crash of the process loses nothing,
        /// a power cut can lose the last commits after their pages were already answered.
        case normal = "NORMAL"
    }

    public init(path: String, synchronous: Synchronous = .full) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            // FULL: a commit is on disk before the page that reports it is sent
            // (docs/DURABILITY.md); NORMAL only when the operator chose it.
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            // Read pages through a memory map instead of a pread() per page, and keep more
            // of them in each connection's cache: list pages touch many pages per request.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            try db.execute(sql: "PRAGMA cache_size = -32000")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB switches a pool's writer to NORMAL after `prepareDatabase` when it turns
        // WAL on, so the mode is set again here, on the one connection that writes.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)") }
        var readerConfiguration = configuration
        readerConfiguration.readonly = true
        readerConfiguration.label = "reader"
        // A shared read transaction stays open between reads (`sharingReads`).
        readerConfiguration.allowsUnsafeTransactions = true
        threadReaders = ThreadReaders(path: path, configuration: readerConfiguration)
        groupCommit = GroupCommit(pool: pool)
    }

    /// Creates or upgrades the schema. Safe to run while other processes use the database.
    public func migrate() throws {
        try Schema.migrator.migrate(pool)
    }

    /// Whether every migration this build knows has been applied.
    public func isMigrated() throws -> Bool {
        try pool.read { db in try Schema.migrator.hasCompletedMigrations(db) }
    }

    /// A read transaction on this thread's own read-only connection. The pool's readers
    /// are shared through a dispatch barrier and a semaphore that every read crosses: under
    /// load (8 server threads) that hand-off was a fifth of a list page's time, in futex
    /// waits and context switches. A connection per thread is never contended, and sees
    /// the same committed state (WAL) as a pool reader would.
    ///
    /// The transaction is opened with cached BEGIN and COMMIT statements on the read-only
    /// connection: GRDB's `read` also switches `query_only` on and off around it, four
    /// statements compiled on every call, twice a request.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        let reader = try threadReaders.current()
        return try reader.queue.unsafeRead { db in
            if reader.sharing {
                if !reader.open {
                    try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
                    reader.open = true
                }
                return try body(db)
            }
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            do {
                let result = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return result
            } catch {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
                throw error
            }
        }
    }

    /// Runs `body` with this thread's reads in one read transaction, opened by the first
    /// of them and ended when `body` returns: a page's session lookup and its own queries
    /// then cost one BEGIN, one COMMIT and one WAL read lock (SQLite takes a mutex for
    /// it that 8 server threads contend for) instead of one each, and see one snapshot.
    /// A write on this thread ends the shared transaction first, so that reads after it
    /// see what it wrote.
    public func sharingReads<T>(_ body: () throws -> T) throws -> T {
        let reader = try threadReaders.current()
        guard !reader.sharing else { return try body() }
        reader.sharing = true
        defer {
            reader.sharing = false
            endSharedRead(reader)
        }
        return try body()
    }

    private func endSharedRead(_ reader: ThreadReader) {
        guard reader.open else { return }
        reader.open = false
        // A read transaction has nothing to commit; should COMMIT still fail, ROLLBACK,
        // so the connection's next BEGIN does not meet a transaction left open.
        try? reader.queue.unsafeRead { db in
            do {
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            } catch {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
            }
        }
    }

    /// A write transaction: committed (durably, under FULL) when this returns. Writes
    /// that arrive together share one commit (`GroupCommit`), each in its own savepoint.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        if let reader = threadReaders.existing() { endSharedRead(reader) }
        return try groupCommit.write(body)
    }
}

/// This thread's read-only connection, and whether its reads share one transaction
/// (`AppDatabase.sharingReads`). Only its own thread touches it.
final class ThreadReader {
    let queue: DatabaseQueue
    var sharing = false
    /// A shared read transaction is open on the connection.
    var open = false

    init(queue: DatabaseQueue) { self.queue = queue }
}

/// A read-only `DatabaseQueue` per thread, made on the thread's first read and closed
/// with the database (not when the thread ends).
///
/// Closing one in a pthread key's destructor, as this once did, ran GRDB's dispatch code
/// after libdispatch had already torn down the exiting thread's own state: dispatch set it
/// up again and freed its cache a second time (a double free, found with AddressSanitizer
/// when a test runner's idle threads exited). So the thread's key only points at the
/// reader; the list here keeps it alive, and deleting the key on deinit makes any stale
/// pointer unreachable (glibc does not return values of a deleted key).
final class ThreadReaders: @unchecked Sendable {
    private var key = pthread_key_t()
    private let path: String
    private let configuration: Configuration
    private let lock = NSLock()
    private var readers: [ThreadReader] = []

    init(path: String, configuration: Configuration) {
        self.path = path
        self.configuration = configuration
        pthread_key_create(&key, nil)
    }

    deinit { pthread_key_delete(key) }

    /// This thread's reader, if it has read before.
    func existing() -> ThreadReader? {
        pthread_getspecific(key).map { Unmanaged<ThreadReader>.fromOpaque($0).takeUnretainedValue() }
    }

    func current() throws -> ThreadReader {
        if let reader = existing() { return reader }
        let reader = ThreadReader(queue: try DatabaseQueue(path: path, configuration: configuration))
        lock.withLock { readers.append(reader) }
        pthread_setspecific(key, Unmanaged.passUnretained(reader).toOpaque())
        return reader
    }
}
