import Foundation
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// Hands one finished message to the outside world. Throwing means "not delivered,
/// try again later".
public protocol MailTransport: Sendable {
    func deliver(_ message: String, to recipient: String, key: String) throws
}

public struct MailDeliveryError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A standard Maildir: the message is written to `tmp/`, flushed to disk, renamed into
/// `new/`, and `new/` flushed, so a reader never sees half a message and a message the
/// outbox marks delivered survives a power cut (the outbox row commits only after this
/// returns). The file name comes from the outbox row, so a retry after a crash replaces
/// the message instead of duplicating it.
public struct MaildirTransport: MailTransport {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func prepare() throws {
        for sub in ["tmp", "new", "cur"] { try DurableFiles.createDirectories(atPath: directory + "/" + sub) }
    }

    public func deliver(_ message: String, to recipient: String, key: String) throws {
        try prepare()
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
        let name = "\(key).bp.\(host.isEmpty ? "localhost" : host)"
        let delivered = "\(directory)/new/\(name)"
        // Already delivered (and perhaps already read): do not deliver twice, but make sure
        // the earlier delivery's name is on disk before the outbox says so.
        let fm = FileManager.default
        if fm.fileExists(atPath: delivered) {
            try DurableFiles.syncDirectory(atPath: directory + "/new")
            return
        }
        if let read = try? fm.contentsOfDirectory(atPath: directory + "/cur"),
            read.contains(where: { $0.hasPrefix(name + ":") || $0 == name })
        {
            return
        }
        let temporary = "\(directory)/tmp/\(name)"
        unlink(temporary)
        do {
            try DurableFiles.writeNew(Array(message.utf8), toPath: temporary)
            guard rename(temporary, delivered) == 0 else {
                throw DurableFiles.Failure("move message into", directory + "/new")
            }
            try DurableFiles.syncDirectory(atPath: directory + "/new")
        } catch {
            unlink(temporary)
            throw MailDeliveryError("\(error)")
        }
    }
}

/// Pipes the message to a sendmail-compatible command (`sendmail -t -i`: postfix, exim
/// and msmtp all provide it). Exit status 0 means delivered; a command that hangs is
/// killed after `timeout` and counts as a failure.
public struct SendmailTransport: MailTransport {
    public let command: [String]
    public let timeout: TimeInterval

    public init(commandLine: String, timeout: TimeInterval = 60) {
        command = commandLine.split(separator: " ").map(String.init)
        self.timeout = timeout
    }

    public func deliver(_ message: String, to recipient: String, key: String) throws {
        guard let executable = command.first else { throw MailDeliveryError("BP_SENDMAIL is empty") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst())
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw MailDeliveryError("cannot start \(executable): \(error.localizedDescription)")
        }
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        // The message is written from another thread so a command that never reads
        // cannot block us past the timeout.
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: Data(message.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 2) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                _ = finished.wait(timeout: .now() + 2)
            }
            try? input.fileHandleForWriting.close()
            throw MailDeliveryError("\(executable) did not finish within \(Int(timeout)) s and was stopped")
        }
        guard process.terminationStatus == 0 else {
            let detail = String(decoding: (try? errors.fileHandleForReading.readToEnd()) ?? Data(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)
            throw MailDeliveryError("\(executable) exited with status \(process.terminationStatus)\(detail.isEmpty ? "" : ": \(detail)")")
        }
    }
}
