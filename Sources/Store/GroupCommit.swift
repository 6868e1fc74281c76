import Foundation
import GRDB

/// Group commit: the write transactions that arrive while another one is committing
/// are run together in the next transaction, each inside its own savepoint, and share
/// one commit, so one WAL fsync (`synchronous = FULL`) acknowledges all of them.
///
/// A durable commit costs a disk flush (about half a millisecond here). One writer at a
/// time paying one flush each capped the shop API at half of what NORMAL reached;
/// PostgreSQL and MySQL amortise the flush the same way. The semantics are those of
/// running the transactions one after another: a transaction that throws is rolled back
/// to its savepoint and gets its own error; the others commit. If the shared commit
/// itself fails, every transaction of the batch gets that error, as each would have.
///
/// The first thread to arrive leads: it runs the queued transactions (its own first),
/// commits, wakes their threads and hands the lead to the oldest one still waiting, so
/// no thread runs others' work for longer than one batch.
final class GroupCommit: @unchecked Sendable {
    private let pool: DatabasePool
    /// Allocated, not stored properties: a pthread mutex and condition must not move, and
    /// `&property` gives no stable address.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [Job] = []
    private var leading = false
    /// More would only lengthen the leader's wait; the server's threads (two a core) rarely fill it.
    private let maximumBatch = 32
    /// How many shared commits ran, and how many transactions they carried (tests).
    private(set) var commits = 0
    private(set) var transactions = 0

    private final class Job {
        var run: ((Database) throws -> Void)?
        var failure: (any Error)?
        var done = false
        var lead = false
        init(_ run: @escaping (Database) throws -> Void) { self.run = run }
    }

    init(pool: DatabasePool) {
        self.pool = pool
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` in a write transaction shared with whatever else is waiting, and
    /// returns once that transaction committed (or throws why it did not).
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            var result: T?
            try perform { db in result = try body(db) }
            return result!
        }
    }

    private func perform(_ run: @escaping (Database) throws -> Void) throws {
        let job = Job(run)
        pthread_mutex_lock(mutex)
        queue.append(job)
        if leading {
            while !job.done && !job.lead { pthread_cond_wait(changed, mutex) }
            if job.done {
                pthread_mutex_unlock(mutex)
                if let failure = job.failure { throw failure }
                return
            }
        } else {
            leading = true
        }
        // Leading: this thread's job is the oldest in the queue.
        let batch = Array(queue.prefix(maximumBatch))
        queue.removeFirst(batch.count)
        pthread_mutex_unlock(mutex)

        execute(batch)

        pthread_mutex_lock(mutex)
        commits += 1
        transactions += batch.count
        for member in batch { member.done = true }
        if let next = queue.first { next.lead = true } else { leading = false }
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        if let failure = job.failure { throw failure }
    }

    private func execute(_ batch: [Job]) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                do {
                    for job in batch { try runInSavepoint(job, db: db, alone: batch.count == 1) }
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                } catch {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
                    throw error
                }
            }
        } catch {
            for job in batch where job.failure == nil { job.failure = error }
        }
        // Release each body before its thread returns (see `withoutActuallyEscaping`).
        for job in batch { job.run = nil }
    }

    /// One job: its own failure rolls back only its own changes. A lone job needs no
    /// savepoint: its failure rolls back the whole transaction, as before.
    private func runInSavepoint(_ job: Job, db: Database, alone: Bool) throws {
        guard let run = job.run else { return }
        if alone {
            do {
                try run(db)
            } catch {
                job.failure = error
                throw error
            }
            return
        }
        try db.cachedStatement(sql: "SAVEPOINT grouped").execute()
        do {
            try run(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT grouped").execute()
        } catch {
            job.failure = error
            // An error that ended the whole transaction (SQLite rolled it back itself)
            // takes the batch with it; any other undoes this job alone.
            guard db.isInsideTransaction else { throw error }
            try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT grouped").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT grouped").execute()
        }
    }
}
