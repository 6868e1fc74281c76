import Foundation
import GRDB
import Protection

/// One entry of a case's timeline. Inserted, never updated or deleted (the schema's
/// triggers refuse both).
public struct EventRecord: Sendable, Equatable {
    public var id: Int64
    public var caseID: String
    public var at: Date
    public var actor: ActorRef
    public var kind: EventKind
    public var audience: Audience
    public var text: String?
    public var data: [String: String]
}

extension EventRecord: FetchableRecord {
    public init(row: Row) throws {
        let dataText: String = row["data"]
        let data = EventRecord.decodeData(dataText)
        self.init(
            id: row["id"], caseID: row["case_id"], at: row.requiredDate("at"),
            actor: ActorRef(kind: ActorKind(rawValue: row["actor_kind"]) ?? .system, id: row["actor_id"]),
            kind: EventKind(rawValue: row["kind"]) ?? .note, audience: Audience(rawValue: row["audience"]),
            text: row["text"], data: data)
    }
}

extension EventRecord {
    /// An event's `data`: a flat JSON object of strings, as `append` writes it. The usual
    /// shape (`{"amount":"24999","refund":"yes"}`, no escapes) is read here; anything else
    /// goes to JSONDecoder, which for a dictionary of strings was a tenth of a case page.
    package static func decodeData(_ text: String) -> [String: String] {
        var text = text
        if let flat = text.withUTF8(flatObject) { return flat }
        return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    /// `{"k":"v",…}` with no backslash and no whitespace, or nil.
    static func flatObject(_ b: UnsafeBufferPointer<UInt8>) -> [String: String]? {
        let quote = UInt8(ascii: "\"")
        let n = b.count
        guard n >= 2, b[0] == UInt8(ascii: "{"), b[n - 1] == UInt8(ascii: "}"), !b.contains(UInt8(ascii: "\\")) else { return nil }
        var result: [String: String] = [:]
        var i = 1
        func string() -> String? {
            guard i < n, b[i] == quote else { return nil }
            let start = i + 1
            var end = start
            while end < n && b[end] != quote {
                guard b[end] >= 0x20 else { return nil }
                end += 1
            }
            guard end < n else { return nil }
            i = end + 1
            return String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
        }
        if i == n - 1 { return result }
        while true {
            guard let key = string(), i < n, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let value = string(), result[key] == nil, i < n else { return nil }
            result[key] = value
            if b[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            return i == n - 1 ? result : nil
        }
    }
}

/// One encoder for every event and notice payload: making a JSONEncoder costs more than
/// encoding the few keys these hold, and `encode` may be called from any thread.
package let sortedKeysEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return encoder
}()

extension EventRecord {
    /// Appends an event and returns its id.
    /// Appends an event to the case's chain (`EventChain`): `documents` are the SHA-256
    /// of the files this event carries, attached by the caller in the same transaction.
    public static func append(_ db: Database, caseID: String, draft: EventDraft, at: Date, documents: [String] = []) throws -> Int64 {
        let data = String(decoding: try sortedKeysEncoder.encode(draft.data), as: UTF8.self)
        let time = StoredDate.text(at)
        let content = EventChain.Content(
            caseID: caseID, at: time, actorKind: draft.actor.kind.rawValue, actorID: draft.actor.id, kind: draft.kind.rawValue,
            audience: draft.audience.rawValue, text: draft.text, data: data, documents: documents)
        let hash = EventChain.link(previous: try EventChain.head(db, caseID: caseID), content)
        try db.cachedStatement(
            sql: """
                INSERT INTO events (case_id, at, actor_kind, actor_id, kind, audience, text, data, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            caseID, time, draft.actor.kind.rawValue, draft.actor.id, draft.kind.rawValue,
            draft.audience.rawValue, draft.text, data, hash,
        ])
        return db.lastInsertedRowID
    }

    /// What the customer wrote when the case opened (nil without a message).
    public static func openingMessage(_ db: Database, caseID: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT text FROM events WHERE case_id = ? AND kind = 'case_opened'"), arguments: [caseID])
    }

    static let timelineSQL = """
        SELECT id, case_id, at, actor_kind, actor_id, kind, audience, text, data
        FROM events WHERE case_id = ? AND (audience & ?) != 0 ORDER BY id
        """

    /// The timeline of a case as the viewer may read it, oldest first. Columns are read
    /// by position (see `ColumnReader`): by name they were a tenth of a case page.
    public static func timeline(_ db: Database, caseID: String, audience: Audience) throws -> [EventRecord] {
        try db.mapRows(sql: timelineSQL, arguments: [caseID, audience.rawValue]) { row in
            EventRecord(
                id: row.int64(0), caseID: row.text(1), at: try row.requiredDate(2),
                actor: ActorRef(kind: row.value(3) ?? .system, id: row.optionalText(4)), kind: row.value(5) ?? .note,
                audience: Audience(rawValue: row.int(6)), text: row.optionalText(7), data: EventRecord.decodeData(row.text(8)))
        }
    }
}

/// An uploaded file's row: the bytes live in the content-addressed store under their hash.
public struct DocumentRecord: Sendable, Equatable {
    public var id: String
    public var caseID: String
    public var eventID: Int64
    public var uploader: ActorRef
    public var name: String
    public var contentType: String
    public var size: Int64
    public var sha256: String
    public var createdAt: Date

    public init(
        id: String, caseID: String, eventID: Int64, uploader: ActorRef, name: String, contentType: String, size: Int64,
        sha256: String, createdAt: Date
    ) {
        self.id = id
        self.caseID = caseID
        self.eventID = eventID
        self.uploader = uploader
        self.name = name
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.createdAt = createdAt
    }
}

extension DocumentRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "documents"

    public init(row: Row) throws {
        self.init(
            id: row["id"], caseID: row["case_id"], eventID: row["event_id"],
            uploader: ActorRef(kind: ActorKind(rawValue: row["uploader_kind"]) ?? .system, id: row["uploader_id"]),
            name: row["name"], contentType: row["content_type"], size: row["size"], sha256: row["sha256"],
            createdAt: row["created_at"])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["case_id"] = caseID
        container["event_id"] = eventID
        container["uploader_kind"] = uploader.kind.rawValue
        container["uploader_id"] = uploader.id
        container["name"] = name
        container["content_type"] = contentType
        container["size"] = size
        container["sha256"] = sha256
        container["created_at"] = StoredDate(createdAt)
    }
}

extension DocumentRecord {
    public static func find(_ db: Database, id: String) throws -> DocumentRecord? {
        try DocumentRecord.fetchOne(db, key: id)
    }

    static let visibleSQL = """
        SELECT d.id, d.case_id, d.event_id, d.uploader_kind, d.uploader_id, d.name, d.content_type, d.size, d.sha256,
               d.created_at
        FROM documents d JOIN events e ON e.id = d.event_id
        WHERE d.case_id = ? AND (e.audience & ?) != 0 ORDER BY d.created_at, d.id
        """

    /// The documents of a case the viewer may read (those of events in its audience),
    /// their columns read by position.
    public static func visible(_ db: Database, caseID: String, audience: Audience) throws -> [DocumentRecord] {
        try db.mapRows(sql: visibleSQL, arguments: [caseID, audience.rawValue]) { row in
            DocumentRecord(
                id: row.text(0), caseID: row.text(1), eventID: row.int64(2),
                uploader: ActorRef(kind: row.value(3) ?? .system, id: row.optionalText(4)), name: row.text(5),
                contentType: row.text(6), size: row.int64(7), sha256: row.text(8), createdAt: try row.requiredDate(9))
        }
    }

    /// The audience of the event a document came with.
    public static func audience(_ db: Database, documentID: String) throws -> Audience? {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT e.audience FROM documents d JOIN events e ON e.id = d.event_id WHERE d.id = ?"),
            arguments: [documentID]
        ).map(Audience.init(rawValue:))
    }
}
