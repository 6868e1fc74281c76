import Foundation
import GRDB
import Protection
import Store

/// A refusal of the shop API, with its stable error code and HTTP status.
public struct APIFailure: Error, Equatable, Sendable {
    public let status: Int
    public let code: String
    public let message: String

    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

/// The fields of `POST /api/v1/protections`, as the JSON held them.
public struct ProtectionRegistration: Sendable {
    public var orderNumber: String?
    public var orderDate: String?
    public var amount: String?
    public var currency: String?
    public var customerEmail: String?
    public var locale: String?

    public init(orderNumber: String?, orderDate: String?, amount: String?, currency: String?, customerEmail: String?, locale: String?) {
        self.orderNumber = orderNumber
        self.orderDate = orderDate
        self.amount = amount
        self.currency = currency
        self.customerEmail = customerEmail
        self.locale = locale
    }
}

extension App {
    /// Registers an order with Buyer Protection, active from now for 30 days.
    public func registerProtection(shop: ShopRecord, _ request: ProtectionRegistration) throws -> ProtectionRecord {
        let protection = try validateRegistration(shop: shop, request)
        return try database.write { db in try insertProtection(db, protection) }
    }

    /// Inserts a validated protection; the same order number twice is a 409.
    public func insertProtection(_ db: Database, _ protection: ProtectionRecord) throws -> ProtectionRecord {
        if try ProtectionRecord.find(db, shopID: protection.shopID, orderNumber: protection.orderNumber) != nil {
            throw APIFailure(409, "duplicate_order_number", "order \(protection.orderNumber) is already registered")
        }
        try protection.insert(db)
        return protection
    }

    /// Checks every field of a registration and builds the protection, active from now.
    public func validateRegistration(shop: ShopRecord, _ request: ProtectionRegistration) throws -> ProtectionRecord {
        try request.validated(shopID: shop.id, shopLocale: shop.locale, now: now(), deadlines: config.deadlines)
    }
}

extension ProtectionRegistration {
    /// The protection these fields describe, or the API failure of the first bad field.
    public func validated(shopID: String, shopLocale: AppLocale, now: Date, deadlines: Deadlines) throws -> ProtectionRecord {
        let request = self
        guard let orderNumber = request.orderNumber, (1...64).contains(orderNumber.count),
            orderNumber.unicodeScalars.allSatisfy({
                $0.value >= 0x21 && $0.value != 0x7f && !($0.properties.generalCategory == .control) && !$0.properties.isWhitespace
            })
        else { throw APIFailure(422, "invalid_order_number", "order_number must be 1 to 64 printable characters without spaces") }
        guard let dateText = request.orderDate, let orderDate = ISO8601.parse(dateText) else {
            throw APIFailure(422, "invalid_order_date", "order_date must be an ISO 8601 date or date-time, e.g. 2026-11-25T10:30:00Z")
        }
        guard let code = request.currency, let currency = Currency(code: code) else {
            throw APIFailure(422, "invalid_currency", "currency must be an ISO 4217 code such as PLN or EUR")
        }
        guard let amountText = request.amount else {
            throw APIFailure(422, "invalid_amount", "amount must be a string such as \"249.99\"")
        }
        let minor: Int64
        switch AmountText.parse(amountText, minorDigits: currency.minorDigits) {
        case .success(let value) where amountText.allSatisfy({ $0.isNumber || $0 == "." }):
            minor = value
        case .failure(.tooManyDecimals(let allowed)):
            throw APIFailure(422, "invalid_amount", "amount may have at most \(allowed) decimals in \(currency.code)")
        case .failure(.notPositive):
            throw APIFailure(422, "invalid_amount", "amount must be greater than zero")
        default:
            throw APIFailure(422, "invalid_amount", "amount must be a positive decimal number with a dot, such as \"249.99\"")
        }
        guard let rawEmail = request.customerEmail, let email = EmailAddress.normalize(rawEmail) else {
            throw APIFailure(422, "invalid_customer_email", "customer_email must be an email address")
        }
        var locale = shopLocale
        if let tag = request.locale, !tag.isEmpty {
            guard tag.count <= 35, tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw APIFailure(422, "invalid_locale", "locale must be a language tag such as pl or pl-PL")
            }
            locale = AppLocale(tag: tag) ?? .en
        }
        return ProtectionRecord(
            id: Secrets.newID(), shopID: shopID, orderNumber: orderNumber, orderDate: orderDate,
            value: Money(minor: minor, currency: currency), customerEmail: email, locale: locale, state: .active,
            activatedAt: now, expiresAt: deadlines.protectionExpiry(activatedAt: now),
            reminderAt: deadlines.feedbackReminderAt(activatedAt: now))
    }
}
