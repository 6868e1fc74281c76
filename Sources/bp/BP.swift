import ArgumentParser
import Foundation
import Logging
import Operations
import Rendering
import Store
import Web

@main
struct BP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bp",
        abstract: "Buyer Protection: the FastCGI app, its worker and its tools.",
        subcommands: [
            Serve.self, Worker.self, Tick.self, Migrate.self, Admin.self, Demo.self, Seed.self, Backup.self, Restore.self, Check.self,
            Verify.self, VerifyFile.self, Export.self, ReplicateDocuments.self, RestoreReplica.self, MailIn.self,
        ])
}

/// What every command starts with: logging, configuration from the environment, the app.
enum Setup {
    nonisolated(unsafe) private static var bootstrapped = false

    static func logging() {
        guard !bootstrapped else { return }
        bootstrapped = true
        loadEnvironmentFile()
        // A sendmail command that exits without reading its input must not kill the
        // worker with SIGPIPE: the write fails and the delivery is retried instead.
        signal(SIGPIPE, SIG_IGN)
        let level = ProcessInfo.processInfo.environment["BP_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// `BP_ENV_FILE=/etc/buyer-protection/bp.env`: the units' settings file, read the way
    /// systemd's `EnvironmentFile=` reads it (KEY=value a line, `#` comments, the value to
    /// the end of the line, one pair of surrounding quotes dropped), so a shell command or
    /// an MTA's pipe runs `bp` with the services' settings. The environment wins over it.
    static func loadEnvironmentFile() {
        guard let path = ProcessInfo.processInfo.environment["BP_ENV_FILE"], !path.isEmpty else { return }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read BP_ENV_FILE \(path)") }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), !trimmed.hasPrefix(";"), let equals = trimmed.firstIndex(of: "=") else {
                continue
            }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            setenv(key, value, 0)
        }
    }

    static func config() throws -> AppConfig {
        do {
            return try AppConfig.fromEnvironment(resourceRoot: Resources.root())
        } catch let invalid as AppConfig.Invalid {
            fail(invalid.description)
        }
    }

    static func app(clock: any Clock = SystemClock(), requireSchema: Bool = true) throws -> App {
        logging()
        let config = try config()
        let app: App
        do {
            app = try App(config: config, clock: clock, logger: Logger(label: "bp"))
        } catch {
            fail("cannot open the data folder \(config.dataDirectory): \(error)")
        }
        if requireSchema, !((try? app.database.isMigrated()) ?? false) {
            fail("the database in \(config.dataDirectory) is not migrated: run `bp migrate` first")
        }
        return app
    }

    /// The exit code of a command that cannot start; `bp mail-in` makes it 75 (try later)
    /// so an MTA keeps the message instead of bouncing it.
    nonisolated(unsafe) static var startFailureCode: Int32 = 1

    static func fail(_ message: String, code: Int32? = nil) -> Never {
        FileHandle.standardError.write(Data("bp: \(message)\n".utf8))
        exit(code ?? startFailureCode)
    }

    /// A flat object of strings on one line, keys sorted (scripts read it).
    static func printJSON(_ object: [String: String]) {
        var json = JSONWriter()
        json.beginObject()
        for key in object.keys.sorted() {
            json.key(text: key)
            json.string(object[key])
        }
        json.endObject()
        print(String(decoding: json.bytes, as: UTF8.self))
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database.")

    func run() throws {
        let app = try Setup.app(requireSchema: false)
        try app.database.migrate()
        print("database ready: \(app.config.databasePath)")
    }
}
