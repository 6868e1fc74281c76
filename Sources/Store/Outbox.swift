import Foundation
import GRDB

/// An email, fully worded, waiting in the outbox. Written in the same transaction as
/// the change that causes it; delivered later by the worker.
public struct OutgoingMail: Sendable, Equatable {
    public var kind: String
    public var caseID: String?
    public var to: String
    public var locale: String
    public var subject: String
    public var textBody: String
    public var htmlBody: String
    public var replyTo: String?
    /// When set, a second mail with the same key is silently not queued (reminders).
    public var dedupeKey: String?
    /// What to say, when the mail is worded at delivery (subject and bodies empty till then).
    public var notice: String?

    public var isWorded: Bool { notice == nil || !subject.isEmpty }

    public init(
        kind: String, caseID: String?, to: String, locale: String, subject: String, textBody: String,
        htmlBody: String, replyTo: String? = nil, dedupeKey: String? = nil, notice: String? = nil
    ) {
        self.kind = kind
        self.caseID = caseID
        self.to = to
        self.locale = locale
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.replyTo = replyTo
        self.dedupeKey = dedupeKey
        self.notice = notice
    }

    /// A mail to be worded at delivery from `notice`.
    public static func notice(
        _ notice: String, kind: String, caseID: String?, to: String, locale: String,
        dedupeKey: String? = nil
    ) -> OutgoingMail {
        OutgoingMail(
            kind: kind, caseID: caseID, to: to, locale: locale, subject: "", textBody: "", htmlBody: "",
            dedupeKey: dedupeKey, notice: notice)
    }
}

public struct OutboxEntry: Sendable, Equatable {
    public enum State: String, Sendable { case pending, sending, sent, failed }

    public var id: Int64
    public var mail: OutgoingMail
    public var messageID: String
    public var createdAt: Date
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var sentAt: Date?
}

extension OutboxEntry: FetchableRecord {
    public init(row: Row) throws {
        let mail = OutgoingMail(
            kind: row["kind"], caseID: row["case_id"], to: row["to_address"], locale: row["locale"],
            subject: row["subject"], textBody: row["text_body"], htmlBody: row["html_body"],
            replyTo: row["reply_to"], dedupeKey: row["dedupe_key"], notice: row["notice"])
        self.init(
            id: row["id"], mail: mail, messageID: row["message_id"], createdAt: row["created_at"],
            state: State(rawValue: row["state"]) ?? .pending, attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"], lastError: row["last_error"], sentAt: row["sent_at"])
    }
}

public enum Outbox {
    /// Queues a mail; returns false when its dedupe key was already queued.
    @discardableResult
    public static func enqueue(_ db: Database, _ mail: OutgoingMail, now: Date, messageDomain: String) throws -> Bool {
        let messageID = "<\(Secrets.newID())@\(messageDomain)>"
        try db.cachedStatement(
            sql: """
                INSERT INTO outbox (created_at, kind, case_id, to_address, locale, subject, text_body, html_body, reply_to,
                                    dedupe_key, message_id, next_attempt_at, notice)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (dedupe_key) DO NOTHING
                """
        ).execute(arguments: [
            StoredDate(now), mail.kind, mail.caseID, mail.to, mail.locale, mail.subject, mail.textBody, mail.htmlBody,
            mail.replyTo, mail.dedupeKey, messageID, StoredDate(now), mail.notice,
        ])
        return db.changesCount == 1
    }

    static let dueSQL = """
        SELECT * FROM outbox WHERE state IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?
        """

    /// Takes up to `limit` due messages for delivery. Each is leased (state `sending`,
    /// due again after `lease`) inside the write transaction, so two workers never take
    /// the same message, and a worker that dies mid-delivery only delays it.
    public static func claimDue(_ db: Database, now: Date, limit: Int, lease: TimeInterval) throws -> [OutboxEntry] {
        let entries = try OutboxEntry.fetchAll(db.cachedStatement(sql: dueSQL), arguments: [now, limit])
        for entry in entries {
            try db.execute(
                sql: "UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
                arguments: [now + lease, entry.id])
        }
        return entries
    }

    /// Keeps the words a notice was given at its first delivery attempt, so retries send
    /// the very same message and the mail page can show its subject.
    public static func saveWording(_ db: Database, id: Int64, subject: String, textBody: String, htmlBody: String) throws {
        try db.execute(
            sql: "UPDATE outbox SET subject = ?, text_body = ?, html_body = ? WHERE id = ?",
            arguments: [subject, textBody, htmlBody, id])
    }

    /// Notices not worded yet (oldest first).
    public static func unworded(_ db: Database, limit: Int) throws -> [OutboxEntry] {
        try OutboxEntry.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM outbox WHERE state IN ('pending', 'sending') AND notice IS NOT NULL AND subject = '' ORDER BY id LIMIT ?
                    """), arguments: [limit])
    }

    public static func markSent(_ db: Database, id: Int64, now: Date) throws {
        try db.execute(sql: "UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?", arguments: [now, id])
    }

    /// Records a failed attempt: due again after `retryAfter`, or failed for good when nil.
    public static func markFailed(_ db: Database, id: Int64, error: String, retryAfter: TimeInterval?, now: Date) throws {
        if let retryAfter {
            try db.execute(
                sql: "UPDATE outbox SET state = 'pending', last_error = ?, next_attempt_at = ? WHERE id = ?",
                arguments: [error, now + retryAfter, id])
        } else {
            try db.execute(sql: "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", arguments: [error, id])
        }
    }

    /// Puts a failed or waiting message back to be delivered now.
    public static func retryNow(_ db: Database, id: Int64, now: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE id = ? AND state IN ('failed', 'pending')",
            arguments: [now, id])
        return db.changesCount == 1
    }

    public static func find(_ db: Database, id: Int64) throws -> OutboxEntry? {
        try OutboxEntry.fetchOne(db.cachedStatement(sql: "SELECT * FROM outbox WHERE id = ?"), arguments: [id])
    }
}
