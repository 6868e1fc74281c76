import Foundation
import Logging
import Store

/// Takes due messages from the outbox and hands them to the transport, one at a time:
/// a message that fails is retried later with growing pauses (1 min, doubling, up to
/// 24 h) and, after `maxAttempts`, marked failed for an agent to look at. One message's
/// failure never holds up the others.
public struct MailDelivery: Sendable {
    public let database: AppDatabase
    public let transport: any MailTransport
    public let from: String
    public let replyTo: String?
    public let maxAttempts: Int
    public let logger: Logger
    /// Words a queued notice (subject, text, HTML) just before its first delivery.
    public let word: @Sendable (OutboxEntry) throws -> OutgoingMail
    /// Also print each delivered email as one line (recipient, subject, links): `make run`
    /// sets `BP_MAIL_ECHO=1` so a newcomer signs in without opening Maildir files. Never
    /// in production: the links sign people in.
    public var echo = false

    public init(
        database: AppDatabase, transport: any MailTransport, from: String, replyTo: String? = nil, maxAttempts: Int = 12,
        logger: Logger, word: @escaping @Sendable (OutboxEntry) throws -> OutgoingMail = { $0.mail }
    ) {
        self.word = word
        self.database = database
        self.transport = transport
        self.from = from
        self.replyTo = replyTo
        self.maxAttempts = maxAttempts
        self.logger = logger
    }

    public struct Report: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var failed = 0
        public init() {}
    }

    /// Pause before attempt `attempt + 1` after `attempt` failures: 1 min, 2, 4, … ≤ 24 h.
    public static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        let minutes = pow(2.0, Double(max(0, attempt - 1)))
        return min(minutes * 60, 24 * 3600)
    }

    /// How many messages are handed to the transport at the same time: a slow or hanging
    /// sendmail holds up one slot, not the whole outbox.
    public static let parallelDeliveries = 8

    /// How many messages are claimed at a time.
    public static let batchSize = 40

    /// Delivers everything due at `now`, in batches, until nothing is due, or until
    /// `budget` seconds have passed (checked after each batch): the worker gives its loop a
    /// budget so that a burst of mail (a thousand emails took 11 s) does not hold up the
    /// sweeper's deadlines; what is left goes out on the next round.
    public func deliverDue(now: @escaping @Sendable () -> Date, budget: TimeInterval? = nil) throws -> Report {
        let tally = Tally()
        let started = ContinuousClock.now
        while true {
            let batch = try database.write { db in try Outbox.claimDue(db, now: now(), limit: Self.batchSize, lease: 600) }
            if batch.isEmpty { break }
            let slots = DispatchSemaphore(value: Self.parallelDeliveries)
            let group = DispatchGroup()
            for entry in batch {
                slots.wait()
                group.enter()
                DispatchQueue.global().async {
                    defer {
                        slots.signal()
                        group.leave()
                    }
                    tally.add(deliver(entry, now: now))
                }
            }
            group.wait()
            if batch.count < Self.batchSize { break }
            if let budget, ContinuousClock.now - started >= .nanoseconds(Int64(budget * 1e9)) { break }
        }
        return tally.report
    }

    fileprivate enum Outcome { case sent, retrying, failed }

    /// "mail to anna@example.com: Your sign-in link → http://…/login/…", every link of the
    /// text part (quoted-printable is not applied to the stored text).
    public static func consoleLine(to: String, subject: String, text: String) -> String {
        var links: [String] = []
        for word in text.split(whereSeparator: { $0.isWhitespace }) where word.hasPrefix("http://") || word.hasPrefix("https://") {
            if !links.contains(String(word)) { links.append(String(word)) }
        }
        return "mail to \(to): \(subject)" + (links.isEmpty ? "" : " → " + links.joined(separator: " "))
    }

    private func deliver(_ entry: OutboxEntry, now: @Sendable () -> Date) -> Outcome {
        do {
            var mail = entry.mail
            if !mail.isWorded {
                mail = try word(entry)
                try database.write { db in
                    try Outbox.saveWording(db, id: entry.id, subject: mail.subject, textBody: mail.textBody, htmlBody: mail.htmlBody)
                }
            }
            let message = MIMEMessage(
                from: from, to: mail.to, replyTo: mail.replyTo ?? replyTo, subject: mail.subject,
                date: now(), messageID: entry.messageID, text: mail.textBody, html: mail.htmlBody)
            try transport.deliver(message.render(), to: mail.to, key: "bp\(entry.id)")
            try database.write { db in try Outbox.markSent(db, id: entry.id, now: now()) }
            if echo { logger.notice("\(Self.consoleLine(to: mail.to, subject: mail.subject, text: mail.textBody))") }
            return .sent
        } catch {
            let attempts = entry.attempts + 1
            let retry: TimeInterval? = attempts >= maxAttempts ? nil : Self.backoff(afterAttempt: attempts)
            logger.warning(
                "mail delivery failed",
                metadata: [
                    "outbox": "\(entry.id)", "attempt": "\(attempts)", "error": "\(error)",
                    "next": "\(retry.map { "in \(Int($0)) s" } ?? "given up")",
                ])
            try? database.write { db in
                try Outbox.markFailed(db, id: entry.id, error: "\(error)", retryAfter: retry, now: now())
            }
            return retry == nil ? .failed : .retrying
        }
    }
}

/// Counts outcomes from the delivery threads.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = MailDelivery.Report()

    func add(_ outcome: MailDelivery.Outcome) {
        lock.withLock {
            switch outcome {
            case .sent: counts.sent += 1
            case .retrying: counts.retrying += 1
            case .failed: counts.failed += 1
            }
        }
    }

    var report: MailDelivery.Report { lock.withLock { counts } }
}
