import Foundation
import GRDB
import Protection

/// The service team's requests for documents: open until the party sends a message,
/// or until their deadline passes (an event on the timeline).
public struct DocumentRequestRecord: Sendable, Equatable {
    public var id: Int64
    public var caseID: String
    public var eventID: Int64
    public var party: Party
    public var text: String
    public var requestedAt: Date
    public var dueAt: Date
    public var answeredAt: Date?
    public var expiredAt: Date?

    /// The columns `init(columns:)` reads, in its order.
    static let selectedColumns = "id, case_id, event_id, party, text, requested_at, due_at, answered_at, expired_at"

    /// Read by position: GRDB's `Row` named every column in a dictionary first, even for a
    /// query that found nothing (a twentieth of a case page that has no requests).
    init(columns row: ColumnReader) throws {
        id = row.int64(0)
        caseID = row.text(1)
        eventID = row.int64(2)
        party = row.value(3) ?? .customer
        text = row.text(4)
        requestedAt = try row.requiredDate(5)
        dueAt = try row.requiredDate(6)
        answeredAt = row.date(7)
        expiredAt = row.date(8)
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
        try db.mapRows(sql: openSQL, arguments: [caseID], DocumentRequestRecord.init(columns:))
    }

    static let openSQL = """
        SELECT \(DocumentRequestRecord.selectedColumns) FROM document_requests
        WHERE case_id = ? AND answered_at IS NULL AND expired_at IS NULL ORDER BY id
        """

    /// Open requests whose deadline has passed, oldest first (through the partial index
    /// `document_requests_due`).
    public static let dueSQL = """
        SELECT \(DocumentRequestRecord.selectedColumns) FROM document_requests
        WHERE answered_at IS NULL AND expired_at IS NULL AND due_at <= ?
        ORDER BY due_at LIMIT ?
        """

    public static func due(_ db: Database, now: Date, limit: Int) throws -> [DocumentRequestRecord] {
        try db.mapRows(sql: dueSQL, arguments: [now, limit], DocumentRequestRecord.init(columns:))
    }

    /// Claims one request's expiry; false when another pass got there first.
    public static func expire(_ db: Database, id: Int64, now: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE document_requests SET expired_at = ? WHERE id = ? AND answered_at IS NULL AND expired_at IS NULL",
            arguments: [now, id])
        return db.changesCount == 1
    }
}
