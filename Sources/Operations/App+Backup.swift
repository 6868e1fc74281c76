import Crypto
import Foundation
import GRDB
import Store

/// Backups an operator can trust: written durably, verified after writing, and verified
/// again before a restore puts them in place.
extension App {
    public struct BackupReport: Sendable {
        public var databaseBytes: Int64
        public var documents: Int
    }

    /// `bp backup DIR`: the database copied through SQLite's backup API from one read
    /// snapshot (the app keeps serving meanwhile), every stored document, and the
    /// server's secret. Documents are never changed or deleted, so copying them after
    /// the snapshot copies at least every file the snapshot refers to. Every file is
    /// fsync'd with its folder, then the whole backup is verified as `bp restore` would.
    public func backup(to directory: String) throws -> BackupReport {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: directory + "/bp.sqlite") else {
            throw InvalidInput("\(directory) already holds a backup; choose an empty folder")
        }
        try DurableFiles.createDirectories(atPath: directory + "/documents")
        // The snapshot goes to a temporary name and is renamed in only when complete, so a
        // folder with a bp.sqlite never holds half a backup.
        let partial = directory + "/bp.sqlite.partial"
        try? fm.removeItem(atPath: partial)
        let copy = try DatabaseQueue(path: partial)
        try database.pool.backup(to: copy)
        // A self-contained file: no -wal or -shm beside it when it is read or copied.
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        try copy.close()
        let hashes = try database.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM documents") }
        let target = DocumentStore(dataDirectory: directory)
        for hash in hashes {
            let destination = target.path(sha256: hash)
            try DurableFiles.createDirectories(atPath: (destination as NSString).deletingLastPathComponent)
            if !fm.fileExists(atPath: destination) { try DurableFiles.copy(from: documents.path(sha256: hash), to: destination) }
        }
        for (path, name) in [(config.secretPath, "secret.key"), (config.signingKeyPath, "signing.key")] where fm.fileExists(atPath: path) {
            try DurableFiles.copy(from: path, to: directory + "/" + name)
            chmod(directory + "/" + name, 0o600)
        }
        try DurableFiles.moveSynced(partial, to: directory + "/bp.sqlite")
        try Self.verifyBackup(directory, manifest: false)
        // Written last: a backup folder without its manifest is one that never finished.
        var manifest = ""
        for name in Self.sealedFiles where fm.fileExists(atPath: directory + "/" + name) {
            guard let hash = Self.fileSHA256(directory + "/" + name) else { throw InvalidInput("cannot read back \(name)") }
            manifest += "\(hash)  \(name)\n"
        }
        try DurableFiles.write(Array(manifest.utf8), toPath: directory + "/" + Self.manifestName)
        let size = (try fm.attributesOfItem(atPath: directory + "/bp.sqlite")[.size] as? NSNumber)?.int64Value ?? 0
        return BackupReport(databaseBytes: size, documents: hashes.count)
    }

    /// The backup's manifest: the SHA-256 of its database and secret, in `sha256sum`'s
    /// format (so `sha256sum -c backup.sha256` checks it too).
    static let manifestName = "backup.sha256"
    /// The files the manifest seals besides the documents (which their rows name).
    static let sealedFiles = ["bp.sqlite", "secret.key", "signing.key"]

    /// What makes a backup usable: its database and secret have the hashes its manifest
    /// recorded when it was made (bit rot, a truncated copy), the database passes SQLite's
    /// integrity check, and every document row has its file, whose SHA-256 is the one the
    /// row names. Throws `InvalidInput` naming the first problems.
    public static func verifyBackup(_ directory: String, manifest: Bool = true) throws {
        guard FileManager.default.fileExists(atPath: directory + "/bp.sqlite") else {
            throw InvalidInput("\(directory) holds no bp.sqlite")
        }
        if manifest {
            guard let text = FileManager.default.contents(atPath: directory + "/" + manifestName) else {
                throw InvalidInput("\(directory) has no \(manifestName): the backup never finished")
            }
            for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { throw InvalidInput("\(manifestName) is damaged") }
                let name = parts[1].trimmingCharacters(in: .whitespaces)
                guard Self.sealedFiles.contains(name) else { throw InvalidInput("\(manifestName) names \(name)") }
                guard fileSHA256(directory + "/" + name) == String(parts[0]) else {
                    throw InvalidInput("\(name) does not match \(manifestName): the backup was changed or damaged after it was made")
                }
            }
        }
        var configuration = Configuration()
        configuration.readonly = true
        let check = try DatabaseQueue(path: directory + "/bp.sqlite", configuration: configuration)
        let (integrity, hashes) = try check.read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; "),
                try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM documents")
            )
        }
        try check.close()
        guard integrity == "ok" else { throw InvalidInput("the backup's database fails its integrity check: \(integrity)") }
        let store = DocumentStore(dataDirectory: directory)
        var bad: [String] = []
        for hash in hashes {
            let path = store.path(sha256: hash)
            guard let actual = fileSHA256(path) else {
                bad.append("\(hash) is missing")
                continue
            }
            if actual != hash { bad.append("\(hash) has other content (\(actual))") }
        }
        guard bad.isEmpty else {
            throw InvalidInput("the backup's documents do not match their rows: \(bad.prefix(5).joined(separator: "; "))")
        }
    }

    /// The SHA-256 of a file in hex, read a megabyte at a time; nil when it cannot be read.
    static func fileSHA256(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Secrets.hex(hasher.finalize())
    }

    /// `bp restore DIR`: verifies a backup (as `bp backup` did after writing it) and puts
    /// it in place of the data folder's database, documents and secret, each file fsync'd
    /// with its folder. Refused while `bp serve` runs on this folder, and refused for a
    /// backup that fails verification, before anything is changed.
    public static func restore(from backup: String, into config: AppConfig) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: backup + "/bp.sqlite") else { throw InvalidInput("\(backup) holds no bp.sqlite") }
        if fm.fileExists(atPath: config.socketPath), Self.socketAnswers(config.socketPath) {
            throw InvalidInput("bp serve is running on \(config.dataDirectory): stop it before restoring")
        }
        try verifyBackup(backup)
        try DurableFiles.createDirectories(atPath: config.dataDirectory)
        // Documents first: the restored database must never point at a missing file.
        _ = try copyDocumentsAndKeys(from: backup, into: config)
        // The old WAL must go before the new database arrives, or SQLite would replay it
        // over the restored file.
        for suffix in ["-wal", "-shm"] { unlink(config.databasePath + suffix) }
        try DurableFiles.copy(from: backup + "/bp.sqlite", to: config.databasePath)
    }

    /// Copies the document store and the keys of a backup or a replica (`folder`, laid out
    /// like a data folder) into the data folder, durably, skipping files already there.
    /// Returns how many documents the folder holds.
    static func copyDocumentsAndKeys(from folder: String, into config: AppConfig) throws -> Int {
        let fm = FileManager.default
        let source = DocumentStore(dataDirectory: folder)
        let target = DocumentStore(dataDirectory: config.dataDirectory)
        try target.prepare()
        var documents = 0
        for relative in (fm.enumerator(atPath: source.root)?.allObjects as? [String] ?? []) where !relative.hasSuffix(".tmp") {
            let from = source.root + "/" + relative
            let to = target.root + "/" + relative
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: from, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try DurableFiles.createDirectories(atPath: to)
                continue
            }
            if !fm.fileExists(atPath: to) { try DurableFiles.copy(from: from, to: to) }
            documents += 1
        }
        for (name, path) in [("secret.key", config.secretPath), ("signing.key", config.signingKeyPath)]
        where fm.fileExists(atPath: folder + "/" + name) {
            try DurableFiles.copy(from: folder + "/" + name, to: path)
            chmod(path, 0o600)
        }
        return documents
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
}
