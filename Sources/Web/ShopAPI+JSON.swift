import Foundation
import Protection
import Store

/// The shop API's JSON bodies, written by JSONEncoder from these types. (Foundation's
/// JSONSerialization over dictionaries was three quarters of a list request.) Absent
/// values are written as `null`, as the SPEC's objects show them.
struct CaseJSON: Encodable {
    let row: CaseSummaryRow

    enum Keys: String, CodingKey {
        case id, number, protection_id, order_number, reason, state, opened_at, merchant_due_at, customer_due_at, closure
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(row.id, forKey: .id)
        try c.encode(row.number, forKey: .number)
        try c.encode(row.protectionID, forKey: .protection_id)
        try c.encode(row.orderNumber, forKey: .order_number)
        try c.encode(row.reason, forKey: .reason)
        try c.encode(row.state, forKey: .state)
        try c.encode(ISO8601.string(row.openedAt), forKey: .opened_at)
        try c.encode(row.merchantDueAt.map(ISO8601.string), forKey: .merchant_due_at)
        try c.encode(row.customerDueAt.map(ISO8601.string), forKey: .customer_due_at)
        try c.encode(row.closure, forKey: .closure)
    }
}

struct CaseListJSON: Encodable {
    let cases: [CaseJSON]
}

struct ProtectionJSON: Encodable {
    let protection: ProtectionRecord
    let state: String
    /// nil: no "case" key (the answer to POST); .some(nil): "case": null.
    let claim: CaseSummaryRow??

    enum Keys: String, CodingKey {
        case id, state, order_number, order_date, amount, currency, customer_email, locale, activated_at, expires_at
        case claim = "case"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(protection.id, forKey: .id)
        try c.encode(state, forKey: .state)
        try c.encode(protection.orderNumber, forKey: .order_number)
        try c.encode(ISO8601.string(protection.orderDate), forKey: .order_date)
        try c.encode(protection.value.plainDecimal, forKey: .amount)
        try c.encode(protection.value.currency.code, forKey: .currency)
        try c.encode(protection.customerEmail, forKey: .customer_email)
        try c.encode(protection.locale.rawValue, forKey: .locale)
        try c.encode(ISO8601.string(protection.activatedAt), forKey: .activated_at)
        try c.encode(ISO8601.string(protection.expiresAt), forKey: .expires_at)
        if let claim {
            try c.encode(claim.map(CaseJSON.init(row:)), forKey: .claim)
        }
    }
}

struct ErrorJSON: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
    }

    let error: Detail
}

enum JSONBody {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
