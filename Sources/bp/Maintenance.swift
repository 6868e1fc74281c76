import ArgumentParser
import Crypto
import Foundation
import Operations

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database (consistently, while the app serves), the documents and the secret into DIR, fsync'd and verified.")

    @Argument(help: "An empty folder for the backup.") var directory: String

    func run() throws {
        let app = try Setup.app()
        do {
            let report = try app.backup(to: directory)
            print(
                "backup in \(directory): database \(report.databaseBytes / 1024) KB, \(report.documents) documents;",
                "verified (integrity, document hashes) and sealed in backup.sha256")
        } catch let invalid as InvalidInput {
            Setup.fail(invalid.description, code: 2)
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify a backup made by `bp backup` and put it in place of this data folder's database, documents and secret.")

    @Argument(help: "The backup's folder.") var directory: String

    func run() throws {
        Setup.logging()
        let config = try Setup.config()
        do {
            try App.restore(from: directory, into: config)
            print("restored \(directory) into \(config.dataDirectory); run `bp migrate` if the backup is older than this build")
        } catch let invalid as InvalidInput {
            Setup.fail(invalid.description, code: 2)
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check the database's integrity, documents against their files, the outbox, the case counters and copies; exit 1 on a problem."
    )

    @Flag(
        help: "Remove upload and document files older than the grace period that no row refers to; rewrite drifted counters and copies.")
    var repair = false
    @Option(help: "Seconds a file without a row is left alone (a request may still be writing it).") var grace = 3600

    func run() throws {
        let app = try Setup.app()
        let report = try app.check(repair: repair, grace: TimeInterval(grace))
        print("integrity: \(report.integrity)")
        print("documents without their file: \(report.documentsWithoutFile.count)")
        print("files no document refers to (older than an hour): \(report.unreferencedFiles.count)")
        print("abandoned uploads (older than an hour): \(report.abandonedUploads.count)")
        print("emails failed for good: \(report.failedMails)")
        print("oldest waiting email: \(report.oldestWaitingMail.map { "\(Int($0)) s" } ?? "none")")
        if report.counterDrift.isEmpty {
            print("counters: ok")
        } else {
            print("counters: \(report.counterDrift.count) drifted\(report.countersRepaired ? ", repaired" : "")")
            for drift in report.counterDrift.prefix(20) { print("  \(drift)") }
        }
        if report.copyDrift.isEmpty {
            print("copied facts: ok")
        } else {
            print("copied facts: \(report.copyDrift.count) cases drifted\(report.copiesRepaired ? ", repaired" : "")")
            for id in report.copyDrift.prefix(20) { print("  case \(id)") }
        }
        if repair { print("removed: \(report.removed) files") }
        if !report.problems.isEmpty {
            for problem in report.problems { print("problem: \(problem)") }
            throw ExitCode(1)
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recompute every case's hash chain and every document's hash; exit 1 naming the first broken link of each case.")

    @Option(name: .customLong("case"), help: "Only this case (its id).") var caseID: String?

    func run() throws {
        let app = try Setup.app()
        let report = try app.verify(caseID: caseID)
        if let caseID, report.cases == 0 { Setup.fail("no case with the id \(caseID)", code: 2) }
        print("cases: \(report.cases), events: \(report.events), documents: \(report.documents)")
        if report.breaks.isEmpty {
            print("every chain holds")
            return
        }
        for broken in report.breaks.prefix(50) { print("broken: \(broken)") }
        if report.breaks.count > 50 { print("… and \(report.breaks.count - 50) more cases") }
        throw ExitCode(1)
    }
}

struct VerifyFile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-file",
        abstract: "Check a signed case file (…/file.json) offline: its Ed25519 signature and, for the service team's copy, its hash chain.")

    @Argument(help: "The case file (JSON).") var file: String?
    @Option(help: "The public key to trust (base64); this installation's own without it.") var publicKey: String?
    @Flag(help: "Print this installation's public key (to give to whoever checks its case files) and stop.")
    var printPublicKey = false

    func run() throws {
        let app = try Setup.app()
        if printPublicKey {
            print(app.signingKey.publicKey.rawRepresentation.base64EncodedString())
            return
        }
        guard let file else { Setup.fail("name the case file to check", code: 2) }
        guard let bytes = FileManager.default.contents(atPath: file) else { Setup.fail("cannot read \(file)", code: 2) }
        var trusted = app.signingKey.publicKey
        if let publicKey {
            guard let raw = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                Setup.fail("--public-key is not a base64 Ed25519 public key", code: 2)
            }
            trusted = key
        }
        do {
            let checked = try CaseFileSeal.check(Array(bytes), trusted: trusted)
            print("good: case #\(checked.caseNumber), \(checked.view) view, \(checked.events) events, head \(checked.head)")
            print(
                checked.chainRecomputed
                    ? "signature and hash chain hold" : "signature holds (a party's view: the chain is checked on the full file)")
        } catch {
            print("bad: \(error)")
            throw ExitCode(1)
        }
    }
}
