import Crypto
import Foundation
import GRDB
import Protection

/// The timeline of each case as a hash chain: every event stores the SHA-256 of the
/// previous event's hash and its own canonical content (case, time as stored, actor,
/// kind, audience, text, data, and the SHA-256 of each document it carries). An event
/// changed, removed or reordered after it was written no longer matches, and neither
/// does any event after it. `bp verify` recomputes the chains; the last hash of a case
/// (its head) stands on the printed case file.
public enum EventChain {
    /// One event as it is hashed: each field as `<byte count>:<bytes>;` in a fixed
    /// order, NULL as `-;`, so no two different events write the same bytes.
    public struct Content: Sendable {
        public var caseID: String
        public var at: String
        public var actorKind: String
        public var actorID: String?
        public var kind: String
        public var audience: Int
        public var text: String?
        public var data: String
        /// The SHA-256 (hex) of the documents attached to this event.
        public var documents: [String]

        public init(
            caseID: String, at: String, actorKind: String, actorID: String?, kind: String, audience: Int, text: String?, data: String,
            documents: [String]
        ) {
            self.caseID = caseID
            self.at = at
            self.actorKind = actorKind
            self.actorID = actorID
            self.kind = kind
            self.audience = audience
            self.text = text
            self.data = data
            self.documents = documents
        }

        var canonical: [UInt8] {
            var out: [UInt8] = []
            func field(_ value: String?) {
                guard let value else {
                    out += "-;".utf8
                    return
                }
                out += String(value.utf8.count).utf8
                out.append(UInt8(ascii: ":"))
                out += value.utf8
                out.append(UInt8(ascii: ";"))
            }
            for value in [caseID, at, actorKind, actorID, kind, String(audience), text, data] { field(value) }
            field(documents.sorted().joined(separator: ","))
            return out
        }
    }

    /// The hash of an event after `previous` (nil for a case's first event).
    public static func link(previous: String?, _ content: Content) -> String {
        var hasher = SHA256()
        hasher.update(data: Array((previous ?? "").utf8) + [0x0A])
        hasher.update(data: content.canonical)
        return Secrets.hex(hasher.finalize())
    }

    static let headSQL = "SELECT hash FROM events WHERE case_id = ? ORDER BY id DESC LIMIT 1"

    /// The hash of a case's newest event (nil before its first).
    public static func head(_ db: Database, caseID: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: headSQL), arguments: [caseID])
    }

    /// Where a chain broke: the first event whose stored hash is not what its content
    /// and its predecessor make (or a document whose file is not its hash).
    public struct Break: Sendable, CustomStringConvertible {
        public var caseID: String
        public var caseNumber: Int
        public var eventID: Int64?
        public var reason: String

        public init(caseID: String, caseNumber: Int, eventID: Int64?, reason: String) {
            self.caseID = caseID
            self.caseNumber = caseNumber
            self.eventID = eventID
            self.reason = reason
        }

        public var description: String {
            "case #\(caseNumber) (\(caseID))" + (eventID.map { ", event \($0)" } ?? "") + ": \(reason)"
        }
    }

    /// The columns every reader of the chain selects, in this order, then the event's hash
    /// (or anything else) after them; `content(_:)` reads them back.
    static let contentColumns = "e.id, e.case_id, e.at, e.actor_kind, e.actor_id, e.kind, e.audience, e.text, e.data"

    /// An event's hashed content from a row of `contentColumns`, with its documents' hashes.
    static func content(_ row: Row, documents: [String]) -> Content {
        Content(
            caseID: row[1], at: row[2], actorKind: row[3], actorID: row[4], kind: row[5], audience: row[6], text: row[7],
            data: row[8], documents: documents)
    }

    /// The documents' hashes `group_concat` gives for an event (nil: none).
    static func documentList(_ value: String?) -> [String] { value.map { $0.split(separator: ",").map(String.init) } ?? [] }

    /// Recomputes one case's chain from its rows; nil when every link holds.
    public static func verify(_ db: Database, caseID: String, caseNumber: Int) throws -> Break? {
        var previous: String?
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT \(contentColumns), e.hash, (SELECT group_concat(d.sha256) FROM documents d WHERE d.event_id = e.id)
                FROM events e WHERE e.case_id = ? ORDER BY e.id
                """, arguments: [caseID])
        while let row = try rows.next() {
            let expected = link(previous: previous, content(row, documents: documentList(row[10])))
            let stored: String? = row[9]
            guard stored == expected else {
                let reason =
                    stored == nil
                    ? "has no hash (written outside the product)"
                    : "does not match its hash: changed, removed or reordered after it was written"
                return Break(caseID: caseID, caseNumber: caseNumber, eventID: row[0], reason: reason)
            }
            previous = expected
        }
        return nil
    }
}

/// An event as its row holds it, for the signed case file: the exact text that was
/// hashed, so a reader can recompute the chain without this product.
public struct RawEvent: Sendable {
    public var id: Int64
    public var content: EventChain.Content
    public var hash: String?
    public var documents: [DocumentRecord]
}

extension EventChain {
    /// The events of a case the audience may read, oldest first, with their documents.
    public static func rawEvents(_ db: Database, caseID: String, audience: Audience) throws -> [RawEvent] {
        let documents = Dictionary(grouping: try DocumentRecord.visible(db, caseID: caseID, audience: audience), by: \.eventID)
        return try Row.fetchAll(
            db,
            sql: """
                SELECT \(contentColumns), e.hash FROM events e
                WHERE e.case_id = ? AND (e.audience & ?) != 0 ORDER BY e.id
                """, arguments: [caseID, audience.rawValue]
        ).map { row in
            let attached = documents[row[0]] ?? []
            return RawEvent(id: row[0], content: content(row, documents: attached.map(\.sha256)), hash: row[9], documents: attached)
        }
    }
}
