import Foundation
import GRDB
import Protection

public struct ShopRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Every address the shop's case emails go to.
    public var notificationEmails: [String]
    public var currency: Currency
    public var coverageLimit: Money
    public var locale: AppLocale
    public var apiKeyHash: String
    public var insolventAt: Date?
    public var createdAt: Date
    /// ISO 3166 alpha-2 code whose public holidays business-day deadlines skip; nil means
    /// the country of the shop's language.
    public var country: String?

    public var isInsolvent: Bool { insolventAt != nil }

    /// The country business days are counted in: the shop's own, else its language's.
    public var workCountry: HolidayCountry? {
        if let country { return HolidayCountry(rawValue: country) }
        switch locale {
        case .pl: return .pl
        case .de: return .de
        default: return nil
        }
    }

    public init(
        id: String, name: String, notificationEmails: [String], currency: Currency, coverageLimit: Money,
        locale: AppLocale, apiKeyHash: String, insolventAt: Date? = nil, createdAt: Date, country: String? = nil
    ) {
        self.country = country
        self.id = id
        self.name = name
        self.notificationEmails = notificationEmails
        self.currency = currency
        self.coverageLimit = coverageLimit
        self.locale = locale
        self.apiKeyHash = apiKeyHash
        self.insolventAt = insolventAt
        self.createdAt = createdAt
    }
}

extension ShopRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "shops"

    public init(row: Row) throws {
        let currency = Currency(code: row["currency"]) ?? .euro
        self.init(
            id: row["id"], name: row["name"],
            notificationEmails: (row["notification_emails"] as String).split(separator: ",").map(String.init),
            currency: currency, coverageLimit: Money(minor: row["coverage_limit_minor"], currency: currency),
            locale: AppLocale(rawValue: row["locale"]) ?? .en, apiKeyHash: row["api_key_hash"],
            insolventAt: row.date("insolvent_at"), createdAt: row.requiredDate("created_at"), country: row["country"])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["name"] = name
        container["notification_emails"] = notificationEmails.joined(separator: ",")
        container["currency"] = currency.code
        container["coverage_limit_minor"] = coverageLimit.minor
        container["locale"] = locale.rawValue
        container["api_key_hash"] = apiKeyHash
        container["insolvent_at"] = StoredDate(insolventAt)
        container["created_at"] = StoredDate(createdAt)
        container["country"] = country
    }
}

extension ShopRecord {
    /// The columns `init(_ row: ColumnReader)` reads, in its order (`s` is the shops table).
    static let selectedColumns = """
        s.id, s.name, s.notification_emails, s.currency, s.coverage_limit_minor, s.locale, s.api_key_hash, s.insolvent_at,
        s.created_at, s.country
        """

    /// How many columns a shop takes in a joined row.
    static let columnCount = selectedColumns.split(separator: ",").count

    /// A shop read by position: the two look-ups below run for every merchant page and API
    /// request, and decoding by column name was a twentieth of an API list.
    init(_ row: ColumnReader) throws {
        let currency = row.currency(3) ?? .euro
        self.init(
            id: row.text(0), name: row.text(1), notificationEmails: row.commaList(2),
            currency: currency, coverageLimit: Money(minor: row.int64(4), currency: currency), locale: row.value(5) ?? .en,
            apiKeyHash: row.text(6), insolventAt: row.date(7), createdAt: try row.requiredDate(8), country: row.optionalText(9))
    }

    public static func find(_ db: Database, id: String) throws -> ShopRecord? {
        try db.mapRows(sql: byIDSQL, arguments: [id], ShopRecord.init).first
    }

    /// Composed once (every Control Centre page finds its shop).
    private static let byIDSQL = "SELECT \(selectedColumns) FROM shops s WHERE s.id = ?"

    /// The shop an API key belongs to, while the key is not revoked (keys are stored as
    /// SHA-256 hashes).
    public static func find(_ db: Database, apiKey: String) throws -> ShopRecord? {
        try db.mapRows(
            sql: """
                SELECT \(selectedColumns) FROM api_keys k JOIN shops s ON s.id = k.shop_id WHERE k.key_hash = ? AND k.revoked_at IS NULL
                """, arguments: [Secrets.hash(apiKey)], ShopRecord.init
        ).first
    }

    public static func setNotificationEmails(_ db: Database, id: String, emails: [String]) throws {
        try db.execute(sql: "UPDATE shops SET notification_emails = ? WHERE id = ?", arguments: [emails.joined(separator: ","), id])
    }
}
