import Foundation
import GRDB
import Protection

/// The service team's requests for documents: open until the party sends a message,
/// or until their deadline passes (an event on the timeline).
public struct DocumentRequestRecord: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var caseID: String
    public var eventID: Int64
    public var party: Party
    public var text: String
    public var requestedAt: Date
    public var dueAt: Date
    public var answeredAt: Date?
    public var expiredAt: Date?

    public init(row: Row) throws {
        id = row["id"]
        caseID = row["case_id"]
        eventID = row["event_id"]
        party = Party(rawValue: row["party"]) ?? .customer
        text = row["text"]
        requestedAt = row["requested_at"]
        dueAt = row["due_at"]
        answeredAt = row["answered_at"]
        expiredAt = row["expired_at"]
    }

    public var isOpen: Bool { answeredAt == nil && expiredAt == nil }
}

public enum DocumentRequests {
    public static func create(_ db: Database, caseID: String, eventID: Int64, party: Party, text: String, requestedAt: Date, dueAt: Date)
        throws
    {
        try db.execute(
            sql: """
                INSERT INTO document_requests (case_id, event_id, party, text, requested_at, due_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [caseID, eventID, party.rawValue, text, requestedAt, dueAt])
    }

    /// Marks the party's open requests on the case answered.
    public static func answer(_ db: Database, caseID: String, party: Party, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE document_requests SET answered_at = ?
                WHERE case_id = ? AND party = ? AND answered_at IS NULL AND expired_at IS NULL
                """, arguments: [now, caseID, party.rawValue])
    }

    public static func open(_ db: Database, caseID: String) throws -> [DocumentRequestRecord] {
        try DocumentRequestRecord.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM document_requests WHERE case_id = ? AND answered_at IS NULL AND expired_at IS NULL ORDER BY id
                    """), arguments: [caseID])
    }

    /// Open requests whose deadline has passed, oldest first (through the partial index
    /// `document_requests_due`).
    public static let dueSQL = """
        SELECT * FROM document_requests WHERE answered_at IS NULL AND expired_at IS NULL AND due_at <= ?
        ORDER BY due_at LIMIT ?
        """

    public static func due(_ db: Database, now: Date, limit: Int) throws -> [DocumentRequestRecord] {
        try DocumentRequestRecord.fetchAll(db.cachedStatement(sql: dueSQL), arguments: [now, limit])
    }

    /// Claims one request's expiry; false when another pass got there first.
    public static func expire(_ db: Database, id: Int64, now: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE document_requests SET expired_at = ? WHERE id = ? AND answered_at IS NULL AND expired_at IS NULL",
            arguments: [now, id])
        return db.changesCount == 1
    }
}
