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

    public init(database: AppDatabase, transport: any MailTransport, from: String, replyTo: String? = nil, maxAttempts: Int = 12,
                logger: Logger) {
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
    }

    /// Pause before attempt `attempt + 1` after `attempt` failures: 1 min, 2, 4, … ≤ 24 h.
    public static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        let minutes = pow(2.0, Double(max(0, attempt - 1)))
        return min(minutes * 60, 24 * 3600)
    }

    /// Delivers everything due at `now`, in batches, until nothing is due.
    public func deliverDue(now: @Sendable () -> Date) throws -> Report {
        var report = Report()
        while true {
            let batch = try database.write { db in try Outbox.claimDue(db, now: now(), limit: 20, lease: 600) }
            if batch.isEmpty { break }
            for entry in batch { deliver(entry, now: now, report: &report) }
            if batch.count < 20 { break }
        }
        return report
    }

    private func deliver(_ entry: OutboxEntry, now: @Sendable () -> Date, report: inout Report) {
        let message = MIMEMessage(from: from, to: entry.mail.to, replyTo: entry.mail.replyTo ?? replyTo, subject: entry.mail.subject,
                                  date: now(), messageID: entry.messageID, text: entry.mail.textBody, html: entry.mail.htmlBody)
        do {
            try transport.deliver(message.render(), to: entry.mail.to, key: "bp\(entry.id)")
            try database.write { db in try Outbox.markSent(db, id: entry.id, now: now()) }
            report.sent += 1
        } catch {
            let attempts = entry.attempts + 1
            let retry: TimeInterval? = attempts >= maxAttempts ? nil : Self.backoff(afterAttempt: attempts)
            logger.warning("mail delivery failed", metadata: [
                "outbox": "\(entry.id)", "attempt": "\(attempts)", "error": "\(error)",
                "next": "\(retry.map { "in \(Int($0)) s" } ?? "given up")",
            ])
            try? database.write { db in
                try Outbox.markFailed(db, id: entry.id, error: "\(error)", retryAfter: retry, now: now())
            }
            if retry == nil { report.failed += 1 } else { report.retrying += 1 }
        }
    }
}
