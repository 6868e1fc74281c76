import GRDB

/// A case with the protection it was opened under and the shop it is against: what every
/// case page, transition and email reads first.
public struct CaseContext: Sendable {
    public var record: CaseRecord
    public var protection: ProtectionRecord
    public var shop: ShopRecord

    public init(record: CaseRecord, protection: ProtectionRecord, shop: ShopRecord) {
        self.record = record
        self.protection = protection
        self.shop = shop
    }

    /// One joined query: three look-ups by id had each paid a statement's set-up, a
    /// quarter of a merchant case page (callgrind). `CaseContextLoadTests` compares it
    /// with the three records read on their own.
    public static func load(_ db: Database, caseID: String) throws -> CaseContext? {
        try db.mapRows(sql: loadSQL, arguments: [caseID], CaseContext.init(columns:)).first
    }

    private static let loadSQL = """
        SELECT \(CaseRecord.selectedColumns), \(ProtectionRecord.selectedColumns), \(ShopRecord.selectedColumns)
        FROM cases c JOIN protections p ON p.id = c.protection_id JOIN shops s ON s.id = c.shop_id
        WHERE c.id = ?
        """

    private init(columns row: ColumnReader) throws {
        record = try CaseRecord(columns: row)
        protection = try row.reading(from: CaseRecord.columnCount, ProtectionRecord.init(columns:))
        shop = try row.reading(from: CaseRecord.columnCount + ProtectionRecord.columnCount, ShopRecord.init)
    }
}
