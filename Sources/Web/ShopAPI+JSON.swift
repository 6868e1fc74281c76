import Foundation
import Protection
import Store

/// The shop API's JSON bodies, written by `JSONWriter`. Keys in the order JSONEncoder's
/// `.sortedKeys` gave them (clients may have compared bodies), absent values as `null`
/// as the SPEC's objects show them.
enum ShopJSON {
    /// `{"cases":[…]}` with the cases `writeCases` writes, at most `count`. Room is made for
    /// a default page (100) at most: a `limit` of 1,000 for a shop with a handful of cases
    /// would otherwise reserve 400 KB, and a longer page grows the buffer as it goes.
    static func cases(count: Int, _ writeCases: (inout JSONWriter) throws -> Void) rethrows -> [UInt8] {
        var json = JSONWriter(capacity: 64 + min(count, 100) * 400)
        json.beginObject()
        json.key("cases")
        json.beginArray()
        try writeCases(&json)
        json.endArray()
        json.endObject()
        return json.bytes
    }

    /// One protection; `claim` nil: no "case" key (the answer to POST), .some(nil): "case": null.
    static func protection(_ protection: ProtectionRecord, state: String, claim: CaseSummaryRow??) -> [UInt8] {
        var json = JSONWriter(capacity: 768)
        json.protection(protection, state: state, claim: claim)
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
