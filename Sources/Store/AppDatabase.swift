import Foundation
import GRDB

/// The one SQLite database (WAL) of a data folder, shared by `bp serve`, `bp worker` and
/// `bp tick`: many readers, one writer at a time, writers of several processes waiting
/// on each other through SQLite's busy timeout.
public final class AppDatabase: Sendable {
    public let pool: DatabasePool

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL survives a crash of the process; only a power
            // loss can cost the last transactions.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Read pages through a memory map instead of a pread() per page, and keep more
            // of them in each connection's cache: list pages touch many pages per request.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            try db.execute(sql: "PRAGMA cache_size = -32000")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    /// Creates or upgrades the schema. Safe to run while other processes use the database.
    public func migrate() throws {
        try Schema.migrator.migrate(pool)
    }

    /// Whether every migration this build knows has been applied.
    public func isMigrated() throws -> Bool {
        try pool.read { db in try Schema.migrator.hasCompletedMigrations(db) }
    }

    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }
}
