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
        // A cached statement: these lookups run for every request and every case of a
        // sweeper pass, and compiling the query each time was most of their cost.
        try ProtectionRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM protections WHERE id = ?"), arguments: [id])
    }

    public static func find(_ db: Database, shopID: String, orderNumber: String) throws -> ProtectionRecord? {
        try ProtectionRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM protections WHERE shop_id = ? AND order_number = ?"),
            arguments: [shopID, orderNumber])
    }
}
