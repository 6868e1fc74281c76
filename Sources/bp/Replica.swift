import ArgumentParser
import Foundation
import Operations
import Protection

struct ReplicateDocuments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicate-documents",
        abstract: "Copy the documents added since the last run, and the keys, into DEST (bp worker does it with BP_REPLICA_DOCUMENTS).")

    @Argument(help: "The replica's folder (a mounted remote disk).") var destination: String

    func run() throws {
        let app = try Setup.app()
        let report = try app.replicateDocuments(to: destination)
        print("replicated into \(destination): \(report.rows) new document rows, \(report.copied) files copied")
    }
}

struct RestoreReplica: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore-replica",
        abstract: "On a new machine: the documents and keys from the documents replica, then the database from Litestream's replica.")

    @Option(help: "Litestream's replica URL (file:///mnt/replica/buyer-protection/db, s3://…, sftp://…).") var database: String
    @Option(help: "The folder bp replicate-documents writes.") var documents: String
    @Option(help: "The litestream executable (default: $BP_LITESTREAM, else litestream on PATH).") var litestream: String?

    func run() throws {
        Setup.logging()
        let config = try Setup.config()
        let executable = litestream ?? ProcessInfo.processInfo.environment["BP_LITESTREAM"] ?? Self.onPath("litestream")
        do {
            let report = try App.restoreReplica(
                databaseReplica: database, documentsReplica: documents, litestream: executable, into: config)
            print(
                "restored into \(config.dataDirectory): the database as of \(ISO8601.string(report.restoredTo))",
                "(\(report.databaseBytes / 1024) KB), \(report.documents) documents; integrity and every document checked.",
                "Run `bp migrate` if the replica is older than this build, then start bp serve and bp worker.")
        } catch let invalid as InvalidInput {
            Setup.fail(invalid.description, code: 2)
        }
    }

    static func onPath(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        return "/usr/bin/\(name)"
    }
}
