import Foundation
import Protection

/// The shop API's objects, shared by its answers and by the webhook deliveries that
/// carry "the case as the API shows it". Keys in the order JSONEncoder's `.sortedKeys`
/// gave them (clients may have compared bodies), absent values as `null`.
extension JSONWriter {
    /// A case as the API lists it.
    package mutating func caseSummary(_ row: CaseSummaryRow) {
        beginObject()
        field("closure", row.closure)
        field("customer_due_at", time: row.customerDueAt)
        field("id", row.id)
        field("merchant_due_at", time: row.merchantDueAt)
        field("number", row.number)
        field("opened_at", time: row.openedAt)
        field("order_number", row.orderNumber)
        field("protection_id", row.protectionID)
        field("reason", row.reason)
        field("state", row.state)
        endObject()
    }

    /// One protection; `claim` nil: no "case" key (the answer to POST), .some(nil): "case": null.
    package mutating func protection(_ protection: ProtectionRecord, state: String, claim: CaseSummaryRow??) {
        beginObject()
        field("activated_at", date: protection.activatedAt)
        field("amount", protection.value.plainDecimal)
        if let claim {
            key("case")
            if let claim { caseSummary(claim) } else { null() }
        }
        field("currency", protection.value.currency.code)
        field("customer_email", protection.customerEmail)
        field("expires_at", date: protection.expiresAt)
        field("id", protection.id)
        field("locale", protection.locale.rawValue)
        field("order_date", date: protection.orderDate)
        field("order_number", protection.orderNumber)
        field("state", state)
        endObject()
    }
}
