import Foundation
import GRDB
import Protection

/// An order a shop registered with Buyer Protection.
public struct ProtectionRecord: Sendable, Equatable {
    public var id: String
    public var shopID: String
    public var orderNumber: String
    public var orderDate: Date
    public var value: Money
    public var customerEmail: String
    public var locale: AppLocale
    public var state: ProtectionState
    public var activatedAt: Date
    public var expiresAt: Date
    public var reminderAt: Date
    public var reminderSentAt: Date?
    public var endedAt: Date?

    public init(
        id: String, shopID: String, orderNumber: String, orderDate: Date, value: Money, customerEmail: String,
        locale: AppLocale, state: ProtectionState, activatedAt: Date, expiresAt: Date, reminderAt: Date,
        reminderSentAt: Date? = nil, endedAt: Date? = nil
    ) {
        self.id = id
        self.shopID = shopID
        self.orderNumber = orderNumber
        self.orderDate = orderDate
        self.value = value
        self.customerEmail = customerEmail
        self.locale = locale
        self.state = state
        self.activatedAt = activatedAt
        self.expiresAt = expiresAt
        self.reminderAt = reminderAt
        self.reminderSentAt = reminderSentAt
        self.endedAt = endedAt
    }

    public var facts: ProtectionFacts {
        ProtectionFacts(
            state: state, activatedAt: activatedAt, expiresAt: expiresAt, reminderSentAt: reminderSentAt,
            hasCase: state == .claimed)
    }
}

extension ProtectionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "protections"

    public init(row: Row) throws {
        let currency = Currency(code: row["currency"]) ?? .euro
        self.init(
            id: row["id"], shopID: row["shop_id"], orderNumber: row["order_number"], orderDate: row.requiredDate("order_date"),
            value: Money(minor: row["amount_minor"], currency: currency), customerEmail: row["customer_email"],
            locale: AppLocale(rawValue: row["locale"]) ?? .en,
            state: ProtectionState(rawValue: row["state"]) ?? .active, activatedAt: row.requiredDate("activated_at"),
            expiresAt: row.requiredDate("expires_at"), reminderAt: row.requiredDate("reminder_at"),
            reminderSentAt: row.date("reminder_sent_at"),
            endedAt: row.date("ended_at"))
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["shop_id"] = shopID
        container["order_number"] = orderNumber
        container["order_date"] = StoredDate(orderDate)
        container["amount_minor"] = value.minor
        container["currency"] = value.currency.code
        container["customer_email"] = customerEmail
        container["locale"] = locale.rawValue
        container["state"] = state.rawValue
        container["activated_at"] = StoredDate(activatedAt)
        container["expires_at"] = StoredDate(expiresAt)
        container["reminder_at"] = StoredDate(reminderAt)
        container["reminder_sent_at"] = StoredDate(reminderSentAt)
        container["ended_at"] = StoredDate(endedAt)
    }
}

extension ProtectionRecord {
    public static func find(_ db: Database, id: String) throws -> ProtectionRecord? {
        // Read by position, as `CaseRecord.find`: GRDB's Row named every column of every
        // row in a dictionary first. `ProtectionReadTests` compares it with `init(row:)`.
        try db.mapRows(sql: findSQL, arguments: [id], ProtectionRecord.init(columns:)).first
    }

    /// The columns `init(columns:)` reads, in its order (`p` is the protections table).
    static let selectedColumns = """
        p.id, p.shop_id, p.order_number, p.order_date, p.amount_minor, p.currency, p.customer_email, p.locale, p.state,
        p.activated_at, p.expires_at, p.reminder_at, p.reminder_sent_at, p.ended_at
        """

    /// How many columns a protection takes in a joined row.
    static let columnCount = selectedColumns.split(separator: ",").count

    static let findSQL = "SELECT \(selectedColumns) FROM protections p WHERE p.id = ?"

    /// A protection from the columns of `selectedColumns`, in their order; the same as `init(row:)`.
    init(columns row: ColumnReader) throws {
        self.init(
            id: row.text(0), shopID: row.text(1), orderNumber: row.text(2), orderDate: try row.requiredDate(3),
            value: Money(minor: row.int64(4), currency: row.currency(5) ?? .euro), customerEmail: row.text(6),
            locale: row.value(7) ?? .en, state: row.optionalText(8).flatMap(ProtectionState.init(rawValue:)) ?? .active,
            activatedAt: try row.requiredDate(9), expiresAt: try row.requiredDate(10), reminderAt: try row.requiredDate(11),
            reminderSentAt: row.date(12), endedAt: row.date(13))
    }

    public static func find(_ db: Database, shopID: String, orderNumber: String) throws -> ProtectionRecord? {
        try ProtectionRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM protections WHERE shop_id = ? AND order_number = ?"),
            arguments: [shopID, orderNumber])
    }
}
