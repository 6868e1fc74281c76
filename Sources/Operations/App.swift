import Crypto
import Foundation
import Logging
import Mail
import Protection
import Rendering
import Store

/// The application: configuration, database, catalogs, document store and
/// clock, shared by every command and every request. Operations on it (the `App+…`
/// files) load what they need, ask the domain, and persist the result with its emails
/// in one transaction.
public final class App: Sendable {
    public let config: AppConfig
    public let database: AppDatabase
    public let catalogs: Catalogs
    public let composer: MailComposer
    public let documents: DocumentStore
    public let clock: any Clock
    public let logger: Logger
    /// The server's secret (CSRF tokens), kept in `secret.key` in the data folder.
    public let secret: [UInt8]
    /// What a staff password must be (`PasswordPolicy`).
    public let passwordPolicy: PasswordPolicy
    /// The key that signs case files (`CaseFileSeal`), kept in `signing.key`.
    public let signingKey: Curve25519.Signing.PrivateKey
    /// The `case+<token>@` addresses replies come back to (offered when `BP_MAIL_DOMAIN` is set).
    public let replyAddresses: ReplyAddresses
    /// What `/metrics` reports (`AppMetrics`, `App.metricsExposition`): one registry per
    /// process, whatever number of `App`s it makes.
    public var metrics: AppMetrics { AppMetrics.process }
    /// Money and dates for each language in the configured zone, made once.
    private let formats: [AppLocale: LocaleFormat]

    public init(config: AppConfig, clock: any Clock = SystemClock(), logger: Logger = Logger(label: "bp")) throws {
        self.config = config
        self.clock = clock
        self.logger = logger
        let fm = FileManager.default
        try DurableFiles.createDirectories(atPath: config.dataDirectory)
        try fm.createDirectory(atPath: config.dataDirectory + "/run", withIntermediateDirectories: true)
        database = try AppDatabase(path: config.databasePath, synchronous: config.synchronous)
        catalogs = try Catalogs(directory: config.resourceRoot + "/Strings")
        composer = MailComposer(catalogs: catalogs)
        passwordPolicy = PasswordPolicy.load(path: config.resourceRoot + "/Data/common-passwords.txt")
        documents = DocumentStore(dataDirectory: config.dataDirectory)
        try documents.prepare()
        secret = try Self.loadOrCreateSecret(at: config.secretPath)
        signingKey = try Curve25519.Signing.PrivateKey(rawRepresentation: Self.loadOrCreateSecret(at: config.signingKeyPath).prefix(32))
        let secret = self.secret
        replyAddresses = ReplyAddresses(secret: secret, domain: config.replyDomain)
        formats = Dictionary(uniqueKeysWithValues: AppLocale.allCases.map { ($0, LocaleFormat(locale: $0, timeZone: config.timeZone)) })
    }

    /// The Reply-To of an email about this case and party (or protection), if replies route.
    func replyAddress(_ route: ReplyAddresses.Route) -> String? { replyAddresses.address(route) }

    public func now() -> Date { clock.now() }

    public func format(_ locale: AppLocale) -> LocaleFormat {
        formats[locale]!  // made for every AppLocale in init
    }

    /// The mail transport the configuration names.
    public func mailTransport() -> any MailTransport {
        switch config.mailTransport {
        case .maildir: MaildirTransport(directory: config.mailDirectory)
        case .sendmail: SendmailTransport(commandLine: config.sendmailCommand, timeout: config.sendmailTimeout)
        }
    }

    public func mailDelivery() -> MailDelivery {
        var delivery = MailDelivery(
            database: database, transport: mailTransport(), from: config.mailFrom, replyTo: config.mailReplyTo, logger: logger,
            word: { [self] entry in try self.word(entry) })
        delivery.echo = config.mailEcho
        return delivery
    }

    /// Words one queued notice (see `NoticeMailer.word`).
    public func word(_ entry: OutboxEntry) throws -> OutgoingMail {
        try database.write { db in try NoticeMailer(app: self).word(entry, db: db, now: now()) }
    }

    /// Words every queued notice without delivering it (tests, and the mail page).
    public func wordPendingMail() throws {
        while true {
            let batch = try database.read { db in try Outbox.unworded(db, limit: 200) }
            if batch.isEmpty { return }
            for entry in batch {
                let mail = try word(entry)
                try database.write { db in
                    try Outbox.saveWording(db, id: entry.id, subject: mail.subject, textBody: mail.textBody, htmlBody: mail.htmlBody)
                }
            }
        }
    }

    private static func loadOrCreateSecret(at path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path), data.count >= 32 { return Array(data) }
        let bytes = Secrets.randomBytes(32)
        let temporary = path + ".\(getpid()).tmp"
        unlink(temporary)
        try DurableFiles.writeNew(bytes, toPath: temporary, permissions: 0o600)
        // Two processes starting at once: the first link wins and both read it back. The
        // folder is synced so the key that signed a page survives a power cut.
        _ = link(temporary, path)
        unlink(temporary)
        try DurableFiles.syncDirectory(atPath: (path as NSString).deletingLastPathComponent)
        guard let data = FileManager.default.contents(atPath: path), data.count >= 32 else {
            throw AppConfig.Invalid(description: "cannot read \(path)")
        }
        return Array(data)
    }
}
