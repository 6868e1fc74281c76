import Foundation
import GRDB

/// A shop's named API key as its owner sees it: never the key itself, which is shown once.
public struct APIKeyRecord: Sendable, Equatable {
    public var id: String
    public var shopID: String
    public var name: String
    public var createdAt: Date
    public var revokedAt: Date?
}

extension APIKeyRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            id: row["id"], shopID: row["shop_id"], name: row["name"], createdAt: row.requiredDate("created_at"),
            revokedAt: row.date("revoked_at"))
    }
}

public enum APIKeys {
    /// The shop's keys, oldest first, revoked ones included (marked so).
    public static func all(_ db: Database, shopID: String) throws -> [APIKeyRecord] {
        try APIKeyRecord.fetchAll(
            db, sql: "SELECT id, shop_id, name, created_at, revoked_at FROM api_keys WHERE shop_id = ? ORDER BY created_at, id",
            arguments: [shopID])
    }

    public static func insert(_ db: Database, shopID: String, name: String, keyHash: String, by userID: String, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO api_keys (id, shop_id, name, key_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [Secrets.newID(), shopID, name, keyHash, StoredDate(now), userID])
    }

    /// Stops a key at once; false when the shop has no such key still working.
    public static func revoke(_ db: Database, id: String, shopID: String, now: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND shop_id = ? AND revoked_at IS NULL",
            arguments: [StoredDate(now), id, shopID])
        return db.changesCount == 1
    }
}
