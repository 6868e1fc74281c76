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

    /// A case as the API lists it, from a row of `CaseListing.summaryColumns` written as
    /// it is read: the same bytes as `caseSummary(CaseListing.summary(row))` (a test
    /// compares them), without the summary made, copied and freed on the way (a fifth of
    /// a 100-case list, callgrind).
    mutating func caseSummary(columns row: ColumnReader) throws {
        beginObject()
        field("closure", column: 9, of: row)
        try field("customer_due_at", timeColumn: 8, of: row)
        field("id", column: 0, of: row)
        try field("merchant_due_at", timeColumn: 7, of: row)
        field("number", row.int(1))
        try field("opened_at", timeColumn: 6, of: row, required: true)
        field("order_number", column: 3, of: row)
        field("protection_id", column: 2, of: row)
        field("reason", column: 4, of: row)
        field("state", column: 5, of: row)
        endObject()
    }

    /// `"name":` and a text column as a string (`null` for NULL), escaped from SQLite's
    /// own bytes; text that is not ASCII goes through a String, which repairs bytes that
    /// are not UTF-8 as every other read of text does. SQLite answers NULL text with no
    /// bytes at all (and "" with an empty string), so its type is asked only then: asking
    /// it first for every column was a third of the calls into SQLite that write a list.
    private mutating func field(_ name: StaticString, column: Int, of row: ColumnReader) {
        key(name)
        let bytes = row.bytes(column)
        guard bytes.baseAddress != nil || !row.isNull(column) else { return null() }
        if ByteWords.isASCII(bytes) { string(utf8: bytes) } else { string(String(decoding: bytes, as: UTF8.self)) }
    }

    /// `"name":` and a date column as the API writes a time: a stored date's text
    /// rewritten in place (`storedTime`), anything else (NULL, another form) as
    /// `ColumnReader.apiTime` reads it.
    private mutating func field(_ name: StaticString, timeColumn column: Int, of row: ColumnReader, required: Bool = false) throws {
        let bytes = row.bytes(column)
        guard bytes.baseAddress != nil, StoredDate.hasISOForm(bytes) else {
            return field(name, time: required ? try row.requiredAPITime(column) : row.apiTime(column))
        }
        key(name)
        storedTime(bytes)
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
