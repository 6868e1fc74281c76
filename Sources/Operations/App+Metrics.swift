import Foundation
import GRDB
import Protection
import Store

extension App {
    /// The `/metrics` page: request counts and latencies of this process, and the state of
    /// the whole installation read now (the worker's passes, the queue, the outbox, the
    /// case counters, the store and disk). Every query is an index lookup or reads the
    /// counters; the documents' bytes are one scan of an index.
    public func metricsExposition() throws -> [UInt8] {
        let now = now()
        let snapshot = try database.read { db in try MetricsSnapshot.read(db) }
        let m = metrics
        m.set("review_queue_size", Double(snapshot.queueSize), help: "Cases and inquiries waiting in the service team's queue.")
        m.set(
            "review_queue_oldest_age_seconds", snapshot.oldestQueued.map { max(0, now.timeIntervalSince($0)) } ?? 0,
            help: "How long the oldest case in the queue has waited (0 when the queue is empty).")
        m.set(
            "payouts_awaiting_approval", Double(snapshot.awaitingApproval),
            help: "Guarantee payouts proposed by one agent and waiting for a second.")
        for state in CaseState.allCases {
            m.set(
                "cases", Double(snapshot.casesByState[state.rawValue] ?? 0), labels: [("state", state.rawValue)],
                help: "Cases and inquiries by state (from the case counters).")
        }
        for state in ["pending", "sending", "failed"] {
            m.set(
                "outbox_messages", Double(snapshot.outbox[state] ?? 0), labels: [("state", state)],
                help: "Emails in the outbox not yet delivered, by state; failed ones were given up after their retries.")
        }
        m.set(
            "outbox_oldest_pending_age_seconds", snapshot.oldestPending.map { max(0, now.timeIntervalSince($0)) } ?? 0,
            help: "How long the oldest undelivered email has waited (0 when none waits).")
        m.set(
            "sweeper_last_pass_age_seconds", snapshot.lastSweep.map { max(0, now.timeIntervalSince($0)) } ?? -1,
            help: "Seconds since bp worker last finished a sweeper pass (-1: never).")
        m.set(
            "sweeper_last_pass_duration_seconds", snapshot.lastSweepDuration ?? 0,
            help: "How long the last sweeper pass took.")
        m.set("document_store_bytes", Double(snapshot.documentBytes), help: "Bytes of documents in the store (each file once).")
        m.set("database_bytes", Double(databaseBytes()), help: "Bytes of the database file with its WAL.")
        if let disk = diskSpace() {
            m.set("data_disk_free_bytes", Double(disk.free), help: "Free bytes on the disk of the data folder.")
            m.set("data_disk_size_bytes", Double(disk.size), help: "Size of the disk of the data folder.")
        }
        return m.registry.emitToBuffer()
    }

    private func databaseBytes() -> Int64 {
        ["", "-wal"].reduce(0) { total, suffix in
            let size = (try? FileManager.default.attributesOfItem(atPath: config.databasePath + suffix))?[.size] as? NSNumber
            return total + (size?.int64Value ?? 0)
        }
    }

    /// Free and total bytes of the data folder's disk (for `/metrics` and `/healthz`).
    public func diskSpace() -> (free: Int64, size: Int64)? {
        guard let attributes = try? FileManager.default.attributesOfFileSystem(forPath: config.dataDirectory),
            let free = (attributes[.systemFreeSize] as? NSNumber)?.int64Value,
            let size = (attributes[.systemSize] as? NSNumber)?.int64Value
        else { return nil }
        return (free, size)
    }
}

/// What `/metrics` reads from the database in one read transaction.
struct MetricsSnapshot {
    var queueSize = 0
    var oldestQueued: Date?
    var awaitingApproval = 0
    var casesByState: [String: Int] = [:]
    var outbox: [String: Int] = [:]
    var oldestPending: Date?
    var lastSweep: Date?
    var lastSweepDuration: Double?
    var documentBytes: Int64 = 0

    static func read(_ db: Database) throws -> MetricsSnapshot {
        var s = MetricsSnapshot()
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT scope, state, n FROM counters WHERE scope IN ('state', 'queue')")) {
            if row["scope"] == "queue" { s.queueSize = row["n"] } else { s.casesByState[row["state"]] = row["n"] }
        }
        s.oldestQueued = try Date.fetchOne(
            db.cachedStatement(sql: "SELECT MIN(queued_at) FROM cases INDEXED BY cases_queue WHERE queued_at IS NOT NULL"))
        s.awaitingApproval =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM cases INDEXED BY cases_awaiting_approval WHERE proposed_by IS NOT NULL")) ?? 0
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT state, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox INDEXED BY outbox_state
                    WHERE state IN ('pending', 'sending', 'failed') GROUP BY state
                    """))
        {
            let state: String = row["state"]
            s.outbox[state] = row["n"]
            if state != "failed", let oldest = row.date("oldest") { s.oldestPending = min(s.oldestPending ?? oldest, oldest) }
        }
        if let pass = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT last_pass_at, duration_seconds FROM worker_passes WHERE name = 'sweeper'"))
        {
            s.lastSweep = pass.date("last_pass_at")
            s.lastSweepDuration = pass["duration_seconds"]
        }
        s.documentBytes =
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: "SELECT TOTAL(size) FROM (SELECT MAX(size) AS size FROM documents INDEXED BY documents_sha256 GROUP BY sha256)"))
            ?? 0
        return s
    }
}
