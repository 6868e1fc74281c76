import Foundation
import GRDB
import Protection
import Testing

@testable import Store

/// `ColumnReader` reads rows without GRDB's `Row`: each kind of column must read as GRDB
/// reads it, NULLs included, and a value the enum does not have must not pass for one.
@Suite struct ColumnReaderTests {
    let queue: DatabaseQueue

    init() throws {
        queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n INTEGER, d, e TEXT, c TEXT)")
        }
    }

    /// `mapRows` binds its arguments itself: each kind as SQLite stores it, the empty text
    /// as text (not NULL), a Date as GRDB binds it, and a wrong count is an error.
    @Test func argumentsAreBoundAsGRDBBindsThem() throws {
        try queue.read { db in
            let sql = """
                SELECT typeof(?1), typeof(?2), typeof(?3), typeof(?4), typeof(?5), typeof(?6), ?2, ?3, ?4, length(?5), hex(?6), ?7
                """
            let date = Date(timeIntervalSince1970: 1_764_000_000.125)
            let arguments: SQLValues = [nil, Int64.max, 1.5, "zażółć \u{1F600}", "", Data([1, 0, 255]), date]
            let read = try db.mapRows(sql: sql, arguments: arguments) { row in
                ((0...5).map { row.text($0) }, row.int64(6), row.optionalDouble(7), row.text(8), row.int(9), row.text(10), row.text(11))
            }
            let row = try #require(read.first)
            #expect(row.0 == ["null", "integer", "real", "text", "text", "blob"])
            #expect(row.1 == Int64.max && row.2 == 1.5 && row.3 == "zażółć \u{1F600}" && row.4 == 0 && row.5 == "0100FF")
            #expect(row.6 == (try String.fetchOne(db, sql: "SELECT ?", arguments: [date])))
            let wrongCount = #expect(throws: DatabaseError.self) { try db.mapRows(sql: "SELECT ?, ?", arguments: ["one"]) { $0.text(0) } }
            #expect(wrongCount?.message == "1 arguments for 2 placeholders")
            // The statement is cached: a second call binds afresh.
            #expect(try db.mapRows(sql: "SELECT ?1", arguments: ["again"]) { $0.text(0) } == ["again"])
            #expect(try db.mapRows(sql: "SELECT ?1", arguments: [7]) { $0.int(0) } == [7])
        }
    }

    @Test func textNumbersAndNullsReadAsGRDBReadsThem() throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t (s, n) VALUES (?, ?), (NULL, NULL), ('', 0)", arguments: ["zażółć <b>&\u{1F600}", Int64.max])
            let mine = try db.mapRows(sql: "SELECT s, n FROM t ORDER BY id") { row in
                (row.optionalText(0), row.text(0), row.isNull(1) ? nil : row.int64(1), row.bool(1))
            }
            let grdb = try Row.fetchAll(db, sql: "SELECT s, n FROM t ORDER BY id")
            #expect(mine.count == 3)
            for (m, g) in zip(mine, grdb) {
                #expect(m.0 == g[0] as String?)
                #expect(m.1 == (g[0] as String?) ?? "")
                #expect(m.2 == g[1] as Int64?)
                #expect(m.3 == ((g[1] as Int64?) ?? 0 != 0))
            }
        }
    }

    @Test func datesReadAsGRDBReadsThemWhateverTheirForm() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [DatabaseValue] = [
            "2026-11-25 10:30:00.123".databaseValue, "2026-11-25 10:30".databaseValue, "2026-11-25".databaseValue,
            "2026-11-25T10:30:00.123Z".databaseValue, 1_700_000_000.databaseValue, 1_700_000_000.5.databaseValue, .null,
        ]
        for _ in 0..<2_000 {
            values.append(StoredDate(Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...4_102_444_800, using: &generator)))
                .databaseValue)
        }
        try queue.write { db in
            for value in values { try db.execute(sql: "INSERT INTO t (d) VALUES (?)", arguments: [value]) }
            let mine = try db.mapRows(sql: "SELECT d FROM t ORDER BY id") { $0.date(0) }
            let grdb = try Row.fetchAll(db, sql: "SELECT d FROM t ORDER BY id").map { $0[0] as Date? }
            #expect(mine == grdb)
        }
    }

    @Test func aRequiredDateThatIsNoneIsAnErrorNamingTheQuery() throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t (d) VALUES ('not a date')")
            #expect(throws: ColumnReader.Mismatch.self) { try db.mapRows(sql: "SELECT d FROM t") { try $0.requiredDate(0) } }
        }
    }

    @Test func enumValuesAreReadByTheirExactRawValue() throws {
        let texts = CaseState.allCases.map(\.rawValue) + ["Closed", "closed ", "awaiting", "", "awaiting_merchantx"]
        try queue.write { db in
            for text in texts { try db.execute(sql: "INSERT INTO t (e) VALUES (?)", arguments: [text]) }
            try db.execute(sql: "INSERT INTO t (e) VALUES (NULL)")
            let read: [CaseState?] = try db.mapRows(sql: "SELECT e FROM t ORDER BY id") { $0.value(0) }
            #expect(read == texts.map(CaseState.init(rawValue:)) + [nil])
        }
        for kind in CaseKind.allCases { #expect(CaseKind.storedValues.value(of: kind.rawValue) == kind) }
        for kind in EventKind.allCases { #expect(EventKind.storedValues.value(of: kind.rawValue) == kind) }
        for kind in ActorKind.allCases { #expect(ActorKind.storedValues.value(of: kind.rawValue) == kind) }
    }

    @Test func eachRowHasItsOwnCurrencyEvenWhenTheOneBeforeIsReused() throws {
        let codes = ["PLN", "PLN", "EUR", "JPY", "JPY", "XXX", "PLN", "KWD"]
        try queue.write { db in
            for code in codes { try db.execute(sql: "INSERT INTO t (c) VALUES (?)", arguments: [code]) }
            let read = try db.mapRows(sql: "SELECT c FROM t ORDER BY id") { $0.currency(0) }
            #expect(read == codes.map { Currency(code: $0) })
            #expect(read[3]?.minorDigits == 0 && read[7]?.minorDigits == 3)
        }
    }

    @Test func aQueryLeftMidwayByAnErrorCanBeAskedAgain() throws {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t (d) VALUES ('2026-11-25 10:30:00.000'), ('no'), ('2026-11-26 10:30:00.000')")
            #expect(throws: ColumnReader.Mismatch.self) { try db.mapRows(sql: "SELECT d FROM t ORDER BY id") { try $0.requiredDate(0) } }
            let again = try db.mapRows(sql: "SELECT d FROM t ORDER BY id") { $0.date(0) }
            #expect(again.count == 3 && again[1] == nil)
        }
    }
}

extension StoredValues {
    func value(of text: String) -> Value? {
        var text = text
        return text.withUTF8 { value(of: $0) }
    }
}
