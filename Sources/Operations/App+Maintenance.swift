import Foundation
import GRDB
import Store

/// Operating the data folder: consistent online backups, restore, health checks, and
/// sweeping up files no row points to.
extension App {
    public struct BackupReport: Sendable {
        public var databaseBytes: Int64
        public var documents: Int
    }

    /// `bp backup DIR`: the database copied through SQLite's backup API from one read
    /// snapshot (the app keeps serving meanwhile), every stored document, and the
    /// server's secret. Documents are never changed or deleted, so copying them after
    /// the snapshot copies at least every file the snapshot refers to.
    public func backup(to directory: String) throws -> BackupReport {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: directory + "/bp.sqlite") else {
            throw InvalidInput("\(directory) already holds a backup; choose an empty folder")
        }
        try fm.createDirectory(atPath: directory + "/documents", withIntermediateDirectories: true)
        let copy = try DatabaseQueue(path: directory + "/bp.sqlite")
        try database.pool.backup(to: copy)
        try copy.close()
        let hashes = try database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM documents") }
        let target = DocumentStore(dataDirectory: directory)
        for hash in hashes {
            let destination = target.path(sha256: hash)
            try fm.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if !fm.fileExists(atPath: destination) { try fm.copyItem(atPath: documents.path(sha256: hash), toPath: destination) }
        }
        if fm.fileExists(atPath: config.secretPath) {
            try? fm.removeItem(atPath: directory + "/secret.key")
            try fm.copyItem(atPath: config.secretPath, toPath: directory + "/secret.key")
        }
        let size = (try fm.attributesOfItem(atPath: directory + "/bp.sqlite")[.size] as? NSNumber)?.int64Value ?? 0
        return BackupReport(databaseBytes: size, documents: hashes.count)
    }

    /// `bp restore DIR`: puts a backup in place of the data folder's database, documents
    /// and secret. Refused while `bp serve` runs on this folder.
    public static func restore(from backup: String, into config: AppConfig) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: backup + "/bp.sqlite") else { throw InvalidInput("\(backup) holds no bp.sqlite") }
        if fm.fileExists(atPath: config.socketPath), Self.socketAnswers(config.socketPath) {
            throw InvalidInput("bp serve is running on \(config.dataDirectory): stop it before restoring")
        }
        let check = try DatabaseQueue(
            path: backup + "/bp.sqlite",
            configuration: {
                var c = Configuration()
                c.readonly = true
                return c
            }())
        let integrity = try check.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        try check.close()
        guard integrity == "ok" else { throw InvalidInput("the backup's database fails its integrity check: \(integrity ?? "?")") }
        try fm.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: config.databasePath + suffix) }
        try fm.copyItem(atPath: backup + "/bp.sqlite", toPath: config.databasePath)
        let source = DocumentStore(dataDirectory: backup)
        let target = DocumentStore(dataDirectory: config.dataDirectory)
        try target.prepare()
        for relative in (fm.enumerator(atPath: source.root)?.allObjects as? [String] ?? []) {
            let from = source.root + "/" + relative
            let to = target.root + "/" + relative
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: from, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
            } else if !fm.fileExists(atPath: to) {
                try fm.copyItem(atPath: from, toPath: to)
            }
        }
        if fm.fileExists(atPath: backup + "/secret.key") {
            try? fm.removeItem(atPath: config.secretPath)
            try fm.copyItem(atPath: backup + "/secret.key", toPath: config.secretPath)
        }
    }

    static func socketAnswers(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8.prefix(100)) + [0]) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }

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
        public var removed = 0

        /// Problems that need a person: a damaged database, rows whose file is gone,
        /// emails that could not be delivered. Leftover files are only housekeeping.
        public var problems: [String] {
            var list: [String] = []
            if integrity != "ok" { list.append("database integrity: \(integrity)") }
            if !documentsWithoutFile.isEmpty { list.append("\(documentsWithoutFile.count) documents without their file") }
            if !counterDrift.isEmpty && !countersRepaired { list.append("\(counterDrift.count) case counters drifted") }
            if failedMails > 0 { list.append("\(failedMails) emails failed for good") }
            if let age = oldestWaitingMail, age > 3600 { list.append("an email has waited \(Int(age / 60)) minutes") }
            return list
        }
    }

    /// `bp check`: the database's integrity, documents and files that do not match, the
    /// outbox's health, and the case counters against a recount. With `repair`, files
    /// older than `grace` that nothing refers to (uploads of requests that never finished,
    /// files whose row never committed) are removed and drifted counters rewritten.
    public func check(repair: Bool, grace: TimeInterval = 3600) throws -> CheckReport {
        var report = CheckReport()
        report.counterDrift = try checkCounters(repair: repair)
        report.countersRepaired = repair && !report.counterDrift.isEmpty
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
