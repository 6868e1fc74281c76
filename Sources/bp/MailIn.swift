import ArgumentParser
import Foundation
import GRDB
import Operations

/// `bp mail-in`: one message on standard input, the way an MTA's pipe transport
/// (Postfix `pipe`, Exim, procmail) or `fetchmail --mda` hands it over; the exit code
/// is what MTAs understand (sysexits.h), and a refusal's reason goes to standard error,
/// which the MTA quotes in its bounce.
struct MailIn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail-in",
        abstract: "Put an emailed reply (one RFC 5322 message on stdin) on its case.",
        discussion: "Exit codes: 0 taken (or deliberately dropped), 65 bad message, 67 unknown address, 75 try again later.")

    @Option(help: "The envelope recipient (Postfix: ${recipient}); without it the message's headers name it.")
    var recipient: String?

    static let dataError: Int32 = 65  // EX_DATAERR
    static let noUser: Int32 = 67  // EX_NOUSER
    static let tryLater: Int32 = 75  // EX_TEMPFAIL

    func run() throws {
        let app: App
        Setup.startFailureCode = Self.tryLater
        do {
            app = try Setup.app()
        } catch {
            // Whatever keeps us from starting keeps the message in the MTA's queue.
            FileHandle.standardError.write(Data("mail-in: cannot start (\(error)); try again later\n".utf8))
            throw ExitCode(Self.tryLater)
        }
        let limit = app.inboundMessageLimit
        var raw: [UInt8] = []
        while raw.count <= limit {
            let chunk = FileHandle.standardInput.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            raw += chunk
        }
        guard raw.count <= limit else {
            FileHandle.standardError.write(Data("mail-in: the message is larger than \(limit / 1_048_576) MB\n".utf8))
            throw ExitCode(Self.dataError)
        }
        let result: App.MailInResult
        do {
            result = try app.receiveMail(raw, recipient: recipient)
        } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) {
            app.logger.warning("mail-in: the database is busy; the MTA will try again")
            throw ExitCode(Self.tryLater)
        } catch {
            app.logger.error("mail-in: \(error); the MTA will try again")
            throw ExitCode(Self.tryLater)
        }
        // One line for every message, on standard error: the MTA's log keeps it, and quotes
        // it in the bounce of a refused one.
        let (code, line) = Self.outcome(result)
        FileHandle.standardError.write(Data("mail-in: \(line)\n".utf8))
        if code != 0 { throw ExitCode(code) }
    }

    static func outcome(_ result: App.MailInResult) -> (Int32, String) {
        switch result {
        case .posted(let id): (0, "posted on case \(id)")
        case .kept(let id, let answered): (0, "kept on case \(id)" + (answered ? ", sender answered with the form's link" : ""))
        case .inquiryOpened(let id): (0, "opened inquiry \(id)")
        case .unverified: (0, "the sender is not the case's party: left for the service team, nothing posted")
        case .unroutable(let reason): (0, "nowhere to post (\(reason)): left for the service team")
        case .dropped(let kind): (0, "dropped an automatic message (\(kind.rawValue))")
        case .duplicate: (0, "this message was handled before")
        case .unknownAddress: (noUser, "no recipient is a reply address of this installation")
        case .refused(let reason): (dataError, "refused: \(reason)")
        }
    }
}
