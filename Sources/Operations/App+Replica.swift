import Foundation
import GRDB
import Protection
import Store

/// The replica that survives losing the machine: Litestream streams the database's WAL
/// (deploy/litestream.yml), and `bp replicate-documents` copies the documents and the
/// installation's keys beside it. Documents are content-addressed and never change, so
/// copying is append-only and idempotent. `bp restore-replica` brings both back.
extension App {
    public struct DocumentReplicationReport: Sendable, Equatable {
        /// Document rows looked at since the last run, and files copied for them.
        public var rows = 0
        public var copied = 0
    }

    /// Where a replica keeps how far it got: the last `documents` rowid whose file it holds,
    /// and the time its last pass began (every row committed before then has its file).
    static let replicationMarkName = "documents.replicated"

    /// Copies the files of the document rows added since the last run (rowids only grow:
    /// rows are appended by one writer and never deleted) into `destination/documents`,
    /// flushes them together, copies the keys, then records how far it got and when it began.
    public func replicateDocuments(to destination: String) throws -> DocumentReplicationReport {
        let began = Date()
        let replica = DocumentStore(dataDirectory: destination)
        try DurableFiles.createDirectories(atPath: replica.root)
        let markPath = destination + "/" + Self.replicationMarkName
        var mark = Self.readMark(markPath)?.rowid ?? 0
        var report = DocumentReplicationReport()
        let fm = FileManager.default
        var copied: [String] = []
        while true {
            let rows = try database.read { db in
                try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT rowid, sha256 FROM documents WHERE rowid > ? ORDER BY rowid LIMIT 500"),
                    arguments: [mark])
            }
            guard let last = rows.last else { break }
            for row in rows {
                let hash: String = row[1]
                let target = replica.path(sha256: hash)
                guard !fm.fileExists(atPath: target) else { continue }
                try DurableFiles.createDirectories(atPath: (target as NSString).deletingLastPathComponent)
                try DurableFiles.copyUnsynced(from: documents.path(sha256: hash), to: target)
                copied.append(target)
            }
            report.rows += rows.count
            mark = last[0]
        }
        // The files flushed together (one after another, a pass of 500 new documents took
        // seconds and the replica fell that far behind), before the mark that says they
        // are there.
        try DurableFiles.syncFiles(copied)
        report.copied = copied.count
        for (path, name) in [(config.secretPath, "secret.key"), (config.signingKeyPath, "signing.key")]
        where fm.fileExists(atPath: path) && !fm.contentsEqual(atPath: path, andPath: destination + "/" + name) {
            try DurableFiles.copy(from: path, to: destination + "/" + name)
            chmod(destination + "/" + name, 0o600)
        }
        try DurableFiles.write(Array("\(mark) \(ISO8601.string(began))\n".utf8), toPath: markPath)
        return report
    }

    static func readMark(_ path: String) -> (rowid: Int64, complete: Date)? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, let rowid = Int64(parts[0]), let time = ISO8601.parse(String(parts[1])) else { return nil }
        return (rowid, time)
    }

    public struct ReplicaRestoreReport: Sendable {
        public var documents = 0
        public var databaseBytes: Int64 = 0
        /// The moment the database was restored to: the start of the documents' last
        /// replication pass, so every restored row has its file.
        public var restoredTo = Date.distantPast
    }

    /// `bp restore-replica`: on a new machine, into a data folder without a database,
    /// the documents and keys of `documentsReplica` first, then the database from
    /// Litestream's replica at `databaseReplica` (a URL Litestream reads: file:///…,
    /// s3://…, sftp://…) as it was when the documents' last replication pass began, so no
    /// restored row points at a file the replica lacks; then the same checks as a backup
    /// gets: SQLite's integrity check and every document row against its file.
    public static func restoreReplica(
        databaseReplica: String, documentsReplica: String, litestream: String, into config: AppConfig
    ) throws -> ReplicaRestoreReport {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: config.databasePath) else {
            throw InvalidInput("\(config.dataDirectory) already has a database: restore a replica into a new data folder")
        }
        guard let mark = readMark(documentsReplica + "/" + replicationMarkName) else {
            throw InvalidInput("\(documentsReplica) is not a documents replica (bp replicate-documents writes one)")
        }
        try DurableFiles.createDirectories(atPath: config.dataDirectory)
        var report = ReplicaRestoreReport(restoredTo: mark.complete.addingTimeInterval(-1))
        report.documents = try copyDocumentsAndKeys(from: documentsReplica, into: config)
        // The last transaction the replica holds from before the documents' last pass
        // began (a second earlier still: Litestream's times are whole seconds).
        let listing = try Self.runLitestream(litestream, ["ltx", "-json", "-level", "all", databaseReplica])
        let files = (try? JSONDecoder().decode([LTXFile].self, from: Data(listing.utf8))) ?? []
        let cutoff = mark.complete.addingTimeInterval(-1)
        guard let txid = files.filter({ ($0.date ?? .distantFuture) <= cutoff }).map(\.maxTXID).max() else {
            throw InvalidInput("the database replica \(databaseReplica) has nothing from before \(ISO8601.string(cutoff))")
        }
        let partial = config.databasePath + ".restoring"
        try? fm.removeItem(atPath: partial)
        _ = try Self.runLitestream(litestream, ["restore", "-txid", txid, "-o", partial, databaseReplica])
        guard fm.fileExists(atPath: partial) else { throw InvalidInput("litestream restore wrote no database") }
        // A self-contained file, flushed, renamed into place last.
        let copy = try DatabaseQueue(path: partial)
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        try copy.close()
        try DurableFiles.syncFile(atPath: partial)
        try DurableFiles.moveSynced(partial, to: config.databasePath)
        try verifyBackup(config.dataDirectory, manifest: false)
        report.databaseBytes = (try fm.attributesOfItem(atPath: config.databasePath)[.size] as? NSNumber)?.int64Value ?? 0
        return report
    }

    /// One file of Litestream's replica, as `litestream ltx -json` lists it.
    struct LTXFile: Decodable {
        let maxTXID: String
        let timestamp: String
        var date: Date? { ISO8601.parse(timestamp) }

        enum CodingKeys: String, CodingKey {
            case maxTXID = "max_txid"
            case timestamp
        }
    }

    /// Runs Litestream and returns what it printed, or throws with what it said on stderr.
    static func runLitestream(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw InvalidInput("cannot run Litestream at \(executable) (set BP_LITESTREAM or put litestream on PATH): \(error)")
        }
        // Litestream's output is small: read it all, then the errors.
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw InvalidInput("litestream \(arguments.first ?? "") failed: \(message.suffix(500))")
        }
        return printed
    }
}
