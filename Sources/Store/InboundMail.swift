import Foundation
import GRDB

/// What became of one email reply.
public enum InboundOutcome: String, Sendable, CaseIterable {
    /// Posted on the case as the party's message.
    case posted
    /// Kept on the case as written; the sender was answered with a link to the form.
    case kept
    /// Opened an "other matter" inquiry (a reply to the day-23 email).
    case inquiry
    /// The sender is not the party the address was made for: for the service team.
    case unverified
    /// From the party, but there is nowhere to put it (the protection ended): for the team.
    case unroutable
    case autoReply = "auto_reply"
    case bounce
}

public struct InboundMailRecord: Sendable, Equatable {
    public var id: Int64
    public var receivedAt: Date
    public var sender: String
    public var subject: String
    public var caseID: String?
    public var caseNumber: Int64?
    public var outcome: InboundOutcome
    public var text: String
}

public enum InboundMail {
    /// Records a message once: false when its key was recorded before (the same message
    /// delivered twice), in which case nothing else of it should happen.
    public static func record(
        _ db: Database, key: String, sender: String, subject: String, caseID: String?, protectionID: String?, party: String?,
        outcome: InboundOutcome, text: String, now: Date
    ) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO inbound_mail (message_key, received_at, sender, subject, case_id, protection_id, party, outcome, text)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_key) DO NOTHING
                """,
            arguments: [key, StoredDate(now), sender, subject, caseID, protectionID, party, outcome.rawValue, text])
        return db.changesCount == 1
    }

    public static func seen(_ db: Database, key: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM inbound_mail WHERE message_key = ?)", arguments: [key]) ?? false
    }

    /// The replies the service team has to look at, newest first.
    public static func toReview(_ db: Database, limit: Int) throws -> [InboundMailRecord] {
        // A cached statement: the queue's first page asks this on every view.
        try db.mapRows(
            sql: """
                SELECT i.id, i.received_at, i.sender, i.subject, i.case_id, i.outcome, i.text, c.number
                FROM inbound_mail i INDEXED BY inbound_mail_to_review LEFT JOIN cases c ON c.id = i.case_id
                WHERE i.outcome IN ('unverified', 'unroutable') AND i.reviewed_at IS NULL ORDER BY i.id DESC LIMIT ?
                """, arguments: [limit]
        ) { row in
            InboundMailRecord(
                id: row.int64(0), receivedAt: try row.requiredDate(1), sender: row.text(2), subject: row.text(3),
                caseID: row.optionalText(4), caseNumber: row.isNull(7) ? nil : row.int64(7), outcome: row.value(5) ?? .unverified,
                text: row.text(6))
        }
    }

    /// An agent has dealt with one: it leaves the queue.
    public static func markReviewed(_ db: Database, id: Int64, now: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE inbound_mail SET reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL AND outcome IN ('unverified', 'unroutable')",
            arguments: [StoredDate(now), id])
        return db.changesCount == 1
    }

    /// How many answers to kept replies went to this address lately (the loop guard).
    public static func answersSent(_ db: Database, to address: String, since: Date) throws -> Int {
        try Int.fetchOne(
            db,
            sql:
                "SELECT COUNT(*) FROM outbox INDEXED BY outbox_reply_answers WHERE kind = 'reply_kept' AND to_address = ? AND created_at > ?",
            arguments: [address, StoredDate(since)]) ?? 0
    }
}
