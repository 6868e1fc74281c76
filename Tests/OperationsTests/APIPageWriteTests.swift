import Foundation
import GRDB
import Testing
@testable import Operations
@testable import Protection
@testable import Store

/// The shop API's case page is written from each row's columns as it is read; it must
/// be the bytes the summaries themselves write (`JSONWriter.caseSummary(_:)`), which the
/// webhooks and the protection answers also use.
@Suite struct APIPageWriteTests {
    func expectSameBytes(_ f: Fixture, after step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try f.app.database.read { (db: Database) throws -> Void in
            for state in [nil] + CaseState.allCases {
                var written = JSONWriter()
                try CaseListing.writeAPIPage(db, shopID: f.shop.id, state: state, limit: 100, offset: 0, to: &written)
                let arguments = CaseListing.shopOrderArguments(shopID: f.shop.id, state: state, limit: 100, offset: 0)
                var expected = JSONWriter()
                for row in try db.mapRows(sql: CaseListing.apiPageSQL(filtered: state != nil), arguments: arguments, CaseListing.summary) {
                    expected.caseSummary(row)
                }
                #expect(written.bytes == expected.bytes, "\(state?.rawValue ?? "all") after \(step)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func theAPIPageWrittenFromColumnsIsTheSummariesOwnBytes() throws {
        let f = try Fixture()
        var ids: [String] = []
        for number in ["N-1", "Zam.\"7\"żółw", "A\\B<C>", "😀-4", String(repeating: "x", count: 40)] {
            ids.append(try f.openCase(number))
        }
        try expectSameBytes(f, after: "opening")
        _ = try f.app.reply(caseID: ids[1], viewer: f.merchant, refund: "yes", amount: "249.99", message: "Zwrot", uploads: [])
        try expectSameBytes(f, after: "a reply")
        _ = try f.app.sweep(at: start + 5 * day)
        try expectSameBytes(f, after: "escalations")
        _ = try f.app.sweep(at: start + 40 * day)
        #expect(try f.state(ids[1]) == .closed)
        try expectSameBytes(f, after: "a closure")
        // Text that is not UTF-8 (written by something else than this product) is repaired
        // on both paths alike.
        try f.app.database.write { db in
            try db.execute(sql: "UPDATE cases SET order_number = CAST(X'41FF42' AS TEXT) WHERE id = ?", arguments: [ids[0]])
        }
        try expectSameBytes(f, after: "bytes that are not UTF-8")
        // Empty text is "" on both paths, never taken for NULL (SQLite answers NULL text
        // with no bytes, and the column path asks for the type only then).
        try f.app.database.write { db in
            try db.execute(sql: "UPDATE cases SET order_number = '', closure = '' WHERE id = ?", arguments: [ids[2]])
        }
        try expectSameBytes(f, after: "empty text")
        let page = try f.app.database.read { db in
            var written = JSONWriter()
            try CaseListing.writeAPIPage(db, shopID: f.shop.id, state: nil, limit: 100, offset: 0, to: &written)
            return String(decoding: written.bytes, as: UTF8.self)
        }
        #expect(page.contains(#""closure":"","customer_due_at""#) && page.contains(#""order_number":"","protection_id""#))
        #expect(page.contains(#""closure":null"#))
        // A date the product would not have written (another text form, a number, a day
        // the month does not have) is read through the Date on both paths alike.
        for (index, value) in [(0, "'2026-11-25 10:30'"), (3, "1764066600.5"), (4, "'2026-02-30 12:00:00.000'")] {
            try f.app.database.write { db in
                try db.execute(sql: "UPDATE cases SET opened_at = \(value) WHERE id = ?", arguments: [ids[index]])
            }
            try expectSameBytes(f, after: "opened_at = \(value)")
        }
        let stored = try f.app.database.read { db in
            var written = JSONWriter()
            try CaseListing.writeAPIPage(db, shopID: f.shop.id, state: nil, limit: 100, offset: 0, to: &written)
            return String(decoding: written.bytes, as: UTF8.self)
        }
        #expect(stored.contains(#""opened_at":"2026-11-25T10:30:00Z""#))
    }
}
