import Foundation
import Operations
import Protection
@testable import Store
import Testing
@testable import Web

/// The shop API's JSON writer: what it writes reads back as what it was given, and its
/// bytes are the ones JSONEncoder wrote before it.
@Suite struct JSONWriterTests {
    /// Every code point 0...0x7F alone and all together, then random strings over ASCII,
    /// two- and three-byte UTF-8 and planes 1–16 (a failure names its string).
    static func strings() -> [String] {
        var strings = (0...0x7F).map { String(Unicode.Scalar(UInt8($0))) }
        strings.append(String(String.UnicodeScalarView((0...0x7F).map { Unicode.Scalar(UInt8($0)) })))
        strings += ["", "😀", "e\u{301}", "é", "\u{2028}\u{2029}", "\u{FFFD}", "\u{10FFFF}", #"\"\\u0000"#]
        var random = SystemRandomNumberGenerator()
        let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0...0x1F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF]
        for _ in 0..<2000 {
            let length = Int.random(in: 0...24, using: &random)
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length {
                let range = ranges.randomElement(using: &random)!
                scalars.append(Unicode.Scalar(UInt32.random(in: range, using: &random))!)
            }
            strings.append(String(scalars))
        }
        return strings
    }

    @Test func stringsReadBackExactlyAndAsJSONEncoderWroteThem() throws {
        let strings = Self.strings() + ["\u{1}\u{FEFF}x", "\t\u{FEFF}"]
        var writer = JSONWriter()
        writer.beginArray()
        for text in strings { writer.string(text) }
        writer.endArray()
        // JSONDecoder as the reader: JSONSerialization drops a U+FEFF that follows an escaped
        // control character, which made this test fail about one run in six.
        let parsed = try JSONDecoder().decode([String].self, from: Data(writer.bytes))
        #expect(parsed.count == strings.count)
        for (read, written) in zip(parsed, strings) {
            #expect(read.unicodeScalars.elementsEqual(written.unicodeScalars), "\(written.debugDescription)")
        }
        #expect(!writer.bytes.contains { $0 < 0x20 })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        #expect(try Array(encoder.encode(strings)) == writer.bytes)
    }

    /// Each character that needs an escape, at every position of strings up to 24 bytes
    /// long between neighbours that do not: the writer skips eight bytes at a time, and
    /// must see it wherever it falls.
    @Test func everyEscapeIsFoundAtEveryPosition() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for special in ["\"", "\\", "\u{0}", "\u{1F}", "\n"] {
            for length in 1...24 {
                for position in 0..<length {
                    let text = String((0..<length).map { $0 == position ? Character(special) : ($0 % 2 == 0 ? "a" : "ż") })
                    var writer = JSONWriter()
                    writer.string(text)
                    #expect(try Array(encoder.encode(text)) == writer.bytes, "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func escapesAreTheShortOnesOrLowercaseHex() {
        var writer = JSONWriter()
        writer.string("\u{0}\u{8}\t\n\u{B}\u{C}\r\u{1F}\"\\/\u{7F}ż😀")
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #""\u0000\b\t\n\u000b\f\r\u001f\"\\/\#u{7F}ż😀""#)
    }

    @Test func valuesAreSeparatedByCommas() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("a", Int.min)
        writer.field("b", Int.max)
        writer.key("c")
        writer.beginArray()
        writer.integer(0)
        writer.integer(-7)
        writer.bool(true)
        writer.bool(false)
        writer.null()
        writer.beginObject()
        writer.endObject()
        writer.beginArray()
        writer.endArray()
        writer.endArray()
        writer.field("d", nil as String?)
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self)
            == #"{"a":-9223372036854775808,"b":9223372036854775807,"c":[0,-7,true,false,null,{},[]],"d":null}"#)
    }

    /// JSONSerialization writes what it read back the way JSONEncoder with `.sortedKeys` did.
    func asBefore(_ bytes: [UInt8]) throws -> Bool {
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        return try Array(JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) == bytes
    }

    static let row = CaseSummaryRow(
        id: "c_1", number: 42, protectionID: "p_1", orderNumber: "A-\"7\"", reason: "zepsuty\nżółw 😀", state: "awaiting_merchant",
        openedAt: APITime(Date(timeIntervalSince1970: 1_795_000_000)), merchantDueAt: APITime(Date(timeIntervalSince1970: 1_795_600_000)),
        customerDueAt: nil, closure: nil)

    /// A case list of `rows`, written as the API writes the rows it reads.
    static func cases(_ rows: [CaseSummaryRow]) -> [UInt8] {
        ShopJSON.cases(count: rows.count) { json in
            for row in rows { json.caseSummary(row) }
        }
    }

    @Test func aCaseListIsWrittenByteForByte() throws {
        #expect(try asBefore(Self.cases([Self.row])))
        #expect(String(decoding: Self.cases([Self.row, Self.row]), as: UTF8.self) == """
            {"cases":[\
            {"closure":null,"customer_due_at":null,"id":"c_1","merchant_due_at":"2026-11-25T09:46:40Z","number":42,\
            "opened_at":"2026-11-18T11:06:40Z","order_number":"A-\\"7\\"","protection_id":"p_1","reason":"zepsuty\\nżółw 😀",\
            "state":"awaiting_merchant"},\
            {"closure":null,"customer_due_at":null,"id":"c_1","merchant_due_at":"2026-11-25T09:46:40Z","number":42,\
            "opened_at":"2026-11-18T11:06:40Z","order_number":"A-\\"7\\"","protection_id":"p_1","reason":"zepsuty\\nżółw 😀",\
            "state":"awaiting_merchant"}]}
            """)
        #expect(String(decoding: Self.cases([]), as: UTF8.self) == #"{"cases":[]}"#)
    }

    @Test func aProtectionHasACaseKeyOnlyWhenAsked() throws {
        let day = Date(timeIntervalSince1970: 1_795_000_000)
        let protection = ProtectionRecord(
            id: "p_1", shopID: "s", orderNumber: "4711", orderDate: day, value: Money(minor: 24_999, currency: try #require(Currency(code: "PLN"))),
            customerEmail: "anna@example.com", locale: .pl, state: .active, activatedAt: day, expiresAt: day, reminderAt: day)
        let fields = """
            "currency":"PLN","customer_email":"anna@example.com","expires_at":"2026-11-18T11:06:40Z","id":"p_1","locale":"pl",\
            "order_date":"2026-11-18T11:06:40Z","order_number":"4711","state":"active"}
            """
        #expect(try asBefore(ShopJSON.protection(protection, state: "active", claim: Self.row)))
        let head = #"{"activated_at":"2026-11-18T11:06:40Z","amount":"249.99","#
        #expect(String(decoding: ShopJSON.protection(protection, state: "active", claim: nil), as: UTF8.self) == head + fields)
        #expect(String(decoding: ShopJSON.protection(protection, state: "active", claim: .some(nil)), as: UTF8.self)
            == head + #""case":null,"# + fields)
        let withCase = try #require(try JSONSerialization.jsonObject(with: Data(ShopJSON.protection(protection, state: "claimed", claim: Self.row)))
            as? [String: Any])
        #expect((withCase["case"] as? [String: Any])?["number"] as? Int == 42)
    }

    @Test func errorsAreAnObjectWithCodeAndMessage() throws {
        #expect(try asBefore(ShopJSON.error(code: "x", message: "y")))
        #expect(String(decoding: ShopJSON.error(code: "not_found", message: "no protection \"x\" for this shop"), as: UTF8.self)
            == #"{"error":{"code":"not_found","message":"no protection \"x\" for this shop"}}"#)
    }
}

/// The registration body is read into strings, nulls and anything else: each field that is
/// not a string is refused by name, and a body that is not an object as a whole.
@Suite struct RegistrationBodyTests {
    func failure(_ body: String) -> APIFailure? {
        do {
            _ = try ShopAPI.registration(fromJSON: Array(body.utf8))
            return nil
        } catch {
            return error as? APIFailure
        }
    }

    @Test func stringsAndNullsAreRead() throws {
        let read = try ShopAPI.registration(
            fromJSON: Array(#"{"order_number":"A-1","amount":"249,99","locale":null,"extra":[1,{"x":2}]}"#.utf8))
        #expect(read.orderNumber == "A-1")
        #expect(read.amount == "249,99")
        #expect(read.locale == nil)
        #expect(read.currency == nil)
    }

    @Test(arguments: [
        (#"{"amount":249.99}"#, 422, "invalid_amount"), (#"{"order_number":["x"]}"#, 422, "invalid_order_number"),
        (#"{"currency":{"code":"PLN"}}"#, 422, "invalid_currency"), (#"{"locale":true}"#, 422, "invalid_locale"),
        (#"["order_number"]"#, 400, "invalid_json"), ("", 400, "invalid_json"), ("{", 400, "invalid_json"),
        (#""text""#, 400, "invalid_json"),
    ])
    func badBodiesAreRefusedWithTheirField(body: String, status: Int, code: String) {
        let refused = failure(body)
        #expect(refused?.status == status)
        #expect(refused?.code == code)
    }
}
