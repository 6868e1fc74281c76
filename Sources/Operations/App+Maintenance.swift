import Foundation
import GRDB
import Store

/// Operating the data folder: health checks, and sweeping up files no row points to
/// (backups and restore are in `App+Backup`).
extension App {
    public struct CheckReport: Sendable {
        public var integrity = "ok"
        public var documentsWithoutFile: [String] = []
        public var unreferencedFiles: [String] = []
        public var abandonedUploads: [String] = []
        public var failedMails = 0
        public var oldestWaitingMail: TimeInterval?
        /// Case counters that differed from a recount of the cases.
        public var counterDrift: [Counters.Drift] = []
        /// Whether the drifted counters were rewritten to the recount (`--repair`).
        public var countersRepaired = false
        /// Cases whose copied facts (shop name, order number, documents deadline)
        /// differed from their sources (`CaseCopies`), by id.
        public var copyDrift: [String] = []
        /// Whether the drifted copies were rewritten from their sources (`--repair`).
        public var copiesRepaired = false
        public var removed = 0

        /// Problems that need a person: a damaged database, rows whose file is gone,
        /// emails that could not be delivered. Leftover files are only housekeeping.
        public var problems: [String] {
            var list: [String] = []
            if integrity != "ok" { list.append("database integrity: \(integrity)") }
            if !documentsWithoutFile.isEmpty { list.append("\(documentsWithoutFile.count) documents without their file") }
            if !counterDrift.isEmpty && !countersRepaired { list.append("\(counterDrift.count) case counters drifted") }
            if !copyDrift.isEmpty && !copiesRepaired { list.append("\(copyDrift.count) cases' copied facts drifted") }
            if failedMails > 0 { list.append("\(failedMails) emails failed for good") }
            if let age = oldestWaitingMail, age > 3600 { list.append("an email has waited \(Int(age / 60)) minutes") }
            return list
        }
    }

    /// `bp check`: the database's integrity, documents and files that do not match, the
    /// outbox's health, the case counters against a recount and the cases' copied facts
    /// against their sources. With `repair`, files older than `grace` that nothing refers
    /// to (uploads of requests that never finished, files whose row never committed) are
    /// removed and drifted counters and copies rewritten.
    public func check(repair: Bool, grace: TimeInterval = 3600) throws -> CheckReport {
        var report = CheckReport()
        report.counterDrift = try checkCounters(repair: repair)
        report.countersRepaired = repair && !report.counterDrift.isEmpty
        report.copyDrift = try checkCopies(repair: repair)
        report.copiesRepaired = repair && !report.copyDrift.isEmpty
        let now = now()
        let (integrity, referenced, rows, failed, oldest) = try database.read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; "),
                Set(try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM documents")),
                try Row.fetchAll(db, sql: "SELECT id, sha256 FROM documents"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'failed'") ?? 0,
                try Date.fetchOne(db, sql: "SELECT MIN(created_at) FROM outbox WHERE state IN ('pending', 'sending')")
            )
        }
        report.integrity = integrity
        report.failedMails = failed
        report.oldestWaitingMail = oldest.map { now.timeIntervalSince($0) }
        for row in rows where !documents.exists(sha256: row["sha256"]) { report.documentsWithoutFile.append(row["id"]) }
        let files = try leftoverFiles(referenced: referenced, remove: repair, grace: grace)
        report.unreferencedFiles = files.unreferenced
        report.abandonedUploads = files.abandoned
        report.removed = files.removed
        return report
    }

    /// The counters that differ from a recount; with `repair` they are rewritten to it in
    /// the same transaction, so no case changes between the recount and the rewrite.
    func checkCounters(repair: Bool) throws -> [Counters.Drift] {
        guard repair else { return try database.read(Counters.drift) }
        return try database.write { db in
            let drift = try Counters.drift(db)
            if !drift.isEmpty { try Counters.rewrite(db) }
            return drift
        }
    }

    /// The cases whose copied facts differ from their sources; with `repair` they are
    /// rewritten in the same transaction.
    func checkCopies(repair: Bool) throws -> [String] {
        guard repair else { return try database.read(CaseCopies.drift) }
        return try database.write { db in
            let drift = try CaseCopies.drift(db)
            if !drift.isEmpty { try CaseCopies.rewrite(db) }
            return drift
        }
    }

    /// Files older than `grace` that no document row refers to: uploads of requests
    /// that died, stored files whose row never committed. Removed when `remove` is set.
    public func leftoverFiles(referenced known: Set<String>? = nil, remove: Bool, grace: TimeInterval = 3600) throws
        -> (unreferenced: [String], abandoned: [String], removed: Int)
    {
        let referenced = try known ?? Set(database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM documents") })
        let fm = FileManager.default
        let now = now()
        func old(_ path: String) -> Bool {
            guard let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return false }
            return now.timeIntervalSince(modified) > grace
        }
        var unreferenced: [String] = []
        var abandoned: [String] = []
        var removed = 0
        for relative in (fm.enumerator(atPath: documents.root)?.allObjects as? [String] ?? []) {
            let name = (relative as NSString).lastPathComponent
            guard name.count == 64, !referenced.contains(name), old(documents.root + "/" + relative) else { continue }
            unreferenced.append(relative)
            if remove, (try? fm.removeItem(atPath: documents.root + "/" + relative)) != nil { removed += 1 }
        }
        for name in (try? fm.contentsOfDirectory(atPath: documents.incoming)) ?? [] where old(documents.incoming + "/" + name) {
            abandoned.append(name)
            if remove, (try? fm.removeItem(atPath: documents.incoming + "/" + name)) != nil { removed += 1 }
        }
        return (unreferenced, abandoned, removed)
    }
}
