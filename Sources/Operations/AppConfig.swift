import Foundation
import Protection
import Store

/// Whose accounts must have two-step sign-in on: agents decide payouts, so by default theirs.
public enum TwoStepRequirement: String, Sendable {
    case agents, all, none

    public func applies(to role: UserRecord.UserRole) -> Bool {
        switch self {
        case .agents: role == .agent
        case .all: true
        case .none: false
        }
    }
}

/// Configuration from environment variables, each with a working default (README lists them).
public struct AppConfig: Sendable {
    public enum MailTransportKind: String, Sendable { case maildir, sendmail }

    public struct UploadLimits: Sendable, Equatable {
        public var fileBytes: Int = 10 * 1024 * 1024
        public var files: Int = 10
        public var requestBytes: Int = 50 * 1024 * 1024
        public var fieldBytes: Int = 64 * 1024
        public var fields: Int = 64
        public init() {}
    }

    public var dataDirectory: String
    public var baseURL: String
    public var port: Int
    public var threads: Int
    public var resourceRoot: String
    public var deadlines: Deadlines
    public var mailTransport: MailTransportKind
    public var sendmailCommand: String
    public var sendmailTimeout: TimeInterval
    public var mailFrom: String
    /// Where replies to our emails go (the operator's support desk), if anywhere.
    public var mailReplyTo: String?
    /// `BP_MAIL_DOMAIN`: a domain the MTA hands to `bp mail-in`. When set, every email
    /// about a case or protection carries `Reply-To: case+<token>@` it, and replies land
    /// on the case (`bp mail-in` reads the token whatever the setting).
    public var replyDomain: String?
    public var workerInterval: TimeInterval
    public var timeZone: TimeZone
    public var uploads: UploadLimits
    /// `BP_SQLITE_SYNCHRONOUS`: FULL (default) or NORMAL (see README, Durability).
    public var synchronous: AppDatabase.Synchronous
    /// `BP_MAIL_ECHO=1`: the worker prints each delivered email as one line (`make run`).
    public var mailEcho = false
    /// `BP_DEADLINE_CALENDAR=business`: the merchant's days count working days of the
    /// shop's country (weekends and public holidays skipped).
    public var businessDays = false
    /// `BP_PAYOUT_APPROVAL_ABOVE`: a guarantee payout above this amount (in the shop's
    /// currency, as typed: "1000.00") waits for a second agent; "0" means every payout.
    public var payoutApprovalAbove: Decimal = 1000
    /// `BP_METRICS_TOKEN`: `/metrics` also answers requests from elsewhere than this
    /// machine that send `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// `BP_REPLICA_DOCUMENTS`: `bp worker` copies new documents and the keys into this
    /// folder (a mounted remote disk) every `replicaInterval` seconds.
    public var replicaDocuments: String?
    public var replicaInterval: TimeInterval = 10
    /// `BP_WEBHOOK_ALLOW_HTTP=1` / `BP_WEBHOOK_ALLOW_PRIVATE=1`: plain http and addresses on
    /// this machine or the private network may receive webhooks (a local receiver, tests).
    public var webhookAddresses = WebhookAddressPolicy()
    /// `BP_WEBHOOK_SECRET_OVERLAP_HOURS`: how long a rotated webhook secret keeps signing.
    public var webhookSecretOverlap: TimeInterval = 24 * 3600
    /// `BP_REQUIRE_2FA`: who must set up two-step sign-in before anything else.
    public var requireTwoStep: TwoStepRequirement = .agents

    /// Two FastCGI threads a core. Pages are CPU work, so threads beyond the cores only
    /// time-slice each other: at 64 connections on 2 cores, 8 threads gave a list page a
    /// p99 of 30–37 ms and 4 threads 21–26 ms at the same or better throughput (side by
    /// side, `make bench` data); 2 threads a core rather than 1 keep a core busy while a
    /// thread waits for a commit's flush (registrations: 4 threads −6 % against 8, 2
    /// threads −20 %).
    public static var defaultThreads: Int { max(2, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    public init(dataDirectory: String, baseURL: String = "http://127.0.0.1:8080", resourceRoot: String) {
        self.dataDirectory = dataDirectory
        self.baseURL = baseURL
        self.port = 8080
        self.threads = Self.defaultThreads
        self.resourceRoot = resourceRoot
        self.deadlines = Deadlines()
        self.mailTransport = .maildir
        self.sendmailCommand = "/usr/sbin/sendmail -t -i"
        self.sendmailTimeout = 60
        self.mailFrom = "Buyer Protection <no-reply@buyer-protection.local>"
        self.workerInterval = 5
        self.timeZone = TimeZone(identifier: "Europe/Warsaw") ?? TimeZone(identifier: "UTC")!
        self.uploads = UploadLimits()
        self.synchronous = .full
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment, resourceRoot: String) throws
        -> AppConfig
    {
        let data = env["BP_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./var"
        var config = AppConfig(dataDirectory: URL(fileURLWithPath: data).standardizedFileURL.path, resourceRoot: resourceRoot)
        func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = env[name], !raw.isEmpty else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                throw Invalid(description: "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), not \"\(raw)\"")
            }
            return value
        }
        if let url = env["BP_BASE_URL"], !url.isEmpty {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw Invalid(description: "BP_BASE_URL must start with http:// or https://")
            }
            config.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let port = try int("BP_PORT", 1...65535) {
            config.port = port
            if env["BP_BASE_URL"]?.isEmpty ?? true { config.baseURL = "http://127.0.0.1:\(port)" }
        }
        if let threads = try int("BP_THREADS", 1...256) { config.threads = threads }
        if let days = try int("BP_PROTECTION_DAYS", 1...3650) { config.deadlines.protectionDays = days }
        if let day = try int("BP_REMINDER_DAY", 1...3650) { config.deadlines.feedbackReminderDay = day }
        if let days = try int("BP_MERCHANT_DAYS", 1...365) { config.deadlines.merchantDays = days }
        if let days = try int("BP_CUSTOMER_DAYS", 1...365) { config.deadlines.customerDays = days }
        if let days = try int("BP_DOCUMENT_REQUEST_DAYS", 1...365) { config.deadlines.documentRequestDays = days }
        if let days = try int("BP_RETURN_DAYS", 1...365) { config.deadlines.returnDays = days }
        if let days = try int("BP_REFUND_DAYS", 1...365) { config.deadlines.refundDays = days }
        if let days = try int("BP_APPEAL_DAYS", 1...365) { config.deadlines.appealDays = days }
        if let calendar = env["BP_DEADLINE_CALENDAR"], !calendar.isEmpty {
            guard calendar == "calendar" || calendar == "business" else {
                throw Invalid(description: "BP_DEADLINE_CALENDAR must be calendar or business, not \"\(calendar)\"")
            }
            config.businessDays = calendar == "business"
        }
        if let above = env["BP_PAYOUT_APPROVAL_ABOVE"], !above.isEmpty {
            guard let value = Decimal(string: above, locale: Locale(identifier: "en_US_POSIX")), value >= 0,
                above.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
            else {
                throw Invalid(description: "BP_PAYOUT_APPROVAL_ABOVE must be an amount like 1000.00 or 0, not \"\(above)\"")
            }
            config.payoutApprovalAbove = value
        }
        if let seconds = try int("BP_WORKER_INTERVAL", 1...3600) { config.workerInterval = TimeInterval(seconds) }
        if let transport = env["BP_MAIL_TRANSPORT"], !transport.isEmpty {
            guard let kind = MailTransportKind(rawValue: transport) else {
                throw Invalid(description: "BP_MAIL_TRANSPORT must be maildir or sendmail, not \"\(transport)\"")
            }
            config.mailTransport = kind
        }
        if let command = env["BP_SENDMAIL"], !command.isEmpty { config.sendmailCommand = command }
        if let seconds = try int("BP_SENDMAIL_TIMEOUT", 1...3600) { config.sendmailTimeout = TimeInterval(seconds) }
        if let from = env["BP_MAIL_FROM"], !from.isEmpty { config.mailFrom = from }
        if let replyTo = env["BP_MAIL_REPLY_TO"], !replyTo.isEmpty { config.mailReplyTo = replyTo }
        if let domain = env["BP_MAIL_DOMAIN"], !domain.isEmpty {
            let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789.-")
            guard domain.count <= 200, domain.lowercased().unicodeScalars.allSatisfy(allowed.contains), !domain.hasPrefix("."),
                domain.contains(".")
            else { throw Invalid(description: "BP_MAIL_DOMAIN must be a domain name like reply.example.com, not \"\(domain)\"") }
            config.replyDomain = domain.lowercased()
        }
        if let zone = env["BP_TIMEZONE"], !zone.isEmpty {
            guard let tz = TimeZone(identifier: zone) else { throw Invalid(description: "BP_TIMEZONE \"\(zone)\" is not a time zone") }
            config.timeZone = tz
        }
        if let mb = try int("BP_MAX_FILE_MB", 1...10_000) { config.uploads.fileBytes = mb * 1024 * 1024 }
        if let n = try int("BP_MAX_FILES", 1...1000) { config.uploads.files = n }
        if let mb = try int("BP_MAX_REQUEST_MB", 1...10_000) { config.uploads.requestBytes = mb * 1024 * 1024 }
        config.mailEcho = env["BP_MAIL_ECHO"] == "1"
        if let folder = env["BP_REPLICA_DOCUMENTS"], !folder.isEmpty { config.replicaDocuments = folder }
        if let seconds = try int("BP_REPLICA_INTERVAL", 1...3600) { config.replicaInterval = TimeInterval(seconds) }
        for (name, value) in [
            ("BP_WEBHOOK_ALLOW_HTTP", env["BP_WEBHOOK_ALLOW_HTTP"]), ("BP_WEBHOOK_ALLOW_PRIVATE", env["BP_WEBHOOK_ALLOW_PRIVATE"]),
        ] {
            guard let value, !value.isEmpty else { continue }
            guard value == "0" || value == "1" else { throw Invalid(description: "\(name) must be 0 or 1, not \"\(value)\"") }
        }
        config.webhookAddresses = WebhookAddressPolicy(
            allowHTTP: env["BP_WEBHOOK_ALLOW_HTTP"] == "1", allowPrivate: env["BP_WEBHOOK_ALLOW_PRIVATE"] == "1")
        if let hours = try int("BP_WEBHOOK_SECRET_OVERLAP_HOURS", 0...720) { config.webhookSecretOverlap = TimeInterval(hours * 3600) }
        if let value = env["BP_REQUIRE_2FA"], !value.isEmpty {
            guard let requirement = TwoStepRequirement(rawValue: value) else {
                throw Invalid(description: "BP_REQUIRE_2FA must be agents, all or none, not \"\(value)\"")
            }
            config.requireTwoStep = requirement
        }
        if let token = env["BP_METRICS_TOKEN"], !token.isEmpty {
            guard token.count >= 16 else { throw Invalid(description: "BP_METRICS_TOKEN must have at least 16 characters") }
            config.metricsToken = token
        }
        if let mode = env["BP_SQLITE_SYNCHRONOUS"], !mode.isEmpty {
            guard let value = AppDatabase.Synchronous(rawValue: mode.uppercased()) else {
                throw Invalid(description: "BP_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not \"\(mode)\"")
            }
            config.synchronous = value
        }
        return config
    }

    public var databasePath: String { dataDirectory + "/bp.sqlite" }
    public var socketPath: String { dataDirectory + "/run/bp.sock" }
    public var mailDirectory: String { dataDirectory + "/mail" }
    public var secretPath: String { dataDirectory + "/secret.key" }
    public var signingKeyPath: String { dataDirectory + "/signing.key" }
    public var isSecure: Bool { baseURL.hasPrefix("https://") }

    /// The host part of the base URL, for Message-IDs.
    public var mailDomain: String {
        let withoutScheme = baseURL.split(separator: "/").dropFirst().first.map(String.init) ?? "localhost"
        return String(withoutScheme.split(separator: ":").first ?? "localhost")
    }

    public func url(_ path: String) -> String { baseURL + path }

    /// The approval threshold in a shop's currency (its minor units).
    public func payoutApprovalThreshold(in currency: Currency) -> Money {
        var scaled = payoutApprovalAbove
        for _ in 0..<currency.minorDigits { scaled *= 10 }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .down)
        return Money(minor: NSDecimalNumber(decimal: rounded).int64Value, currency: currency)
    }

    /// The deadlines of one shop's cases: with business days, its country's work calendar.
    public func deadlines(country: HolidayCountry?) -> Deadlines {
        guard businessDays else { return deadlines }
        var shopDeadlines = deadlines
        shopDeadlines.workCalendar = WorkCalendar(country: country, timeZone: timeZone)
        return shopDeadlines
    }
}
