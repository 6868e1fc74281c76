import Foundation
import Protection
import Store

/// The shop API's JSON bodies, written by `JSONWriter`. Keys in the order JSONEncoder's
/// `.sortedKeys` gave them (clients may have compared bodies), absent values as `null`
/// as the SPEC's objects show them.
enum ShopJSON {
    /// `{"cases":[…]}`
    static func cases(_ rows: [CaseSummaryRow]) -> [UInt8] {
        var json = JSONWriter(capacity: 64 + rows.count * 400)
        json.beginObject()
        json.key("cases")
        json.beginArray()
        for row in rows { json.caseSummary(row) }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    /// One protection; `claim` nil: no "case" key (the answer to POST), .some(nil): "case": null.
    static func protection(_ protection: ProtectionRecord, state: String, claim: CaseSummaryRow??) -> [UInt8] {
        var json = JSONWriter(capacity: 768)
        json.beginObject()
        json.field("activated_at", ISO8601.string(protection.activatedAt))
        json.field("amount", protection.value.plainDecimal)
        if let claim {
            json.key("case")
            if let claim { json.caseSummary(claim) } else { json.null() }
        }
        json.field("currency", protection.value.currency.code)
        json.field("customer_email", protection.customerEmail)
        json.field("expires_at", ISO8601.string(protection.expiresAt))
        json.field("id", protection.id)
        json.field("locale", protection.locale.rawValue)
        json.field("order_date", ISO8601.string(protection.orderDate))
        json.field("order_number", protection.orderNumber)
        json.field("state", state)
        json.endObject()
        return json.bytes
    }

    /// `{"error":{"code":…,"message":…}}`
    static func error(code: String, message: String) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.field("code", code)
        json.field("message", message)
        json.endObject()
        json.endObject()
        return json.bytes
    }
}

extension JSONWriter {
    /// A case as the API lists it.
    mutating func caseSummary(_ row: CaseSummaryRow) {
        beginObject()
        field("closure", row.closure)
        field("customer_due_at", row.customerDueAt.map(ISO8601.string))
        field("id", row.id)
        field("merchant_due_at", row.merchantDueAt.map(ISO8601.string))
        field("number", row.number)
        field("opened_at", ISO8601.string(row.openedAt))
        field("order_number", row.orderNumber)
        field("protection_id", row.protectionID)
        field("reason", row.reason)
        field("state", row.state)
        endObject()
    }
}
