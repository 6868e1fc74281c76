import Foundation
import GRDB
import GRDBSQLite
import Protection

/// The row a statement stands on, read column by column (by position) straight from SQLite.
///
/// A GRDB `Row` decodes each column through a generic path and makes a `String` of every
/// text column, the dates and enum values included, only for them to be parsed again:
/// on the Control Centre's list that decoding was a seventh of the page (perf, 50 rows of
/// ten columns). Here a date is parsed from SQLite's own bytes (`StoredDate.fastParse`),
/// an enum value is matched against the bytes of its raw values, a row's currency is the
/// one before it when the code is the same, and only text a page keeps becomes a String.
///
/// Valid only while the step it was handed to lasts (`Database.mapRows`).
public final class ColumnReader {
    private let statement: SQLiteStatement
    /// For the message of a `Mismatch` only: GRDB trims its SQL on every read of `sql`.
    private unowned let owner: Statement
    private var lastCurrency: Currency?
    /// Where column 0 is, while `reading(from:_:)` hands a later part of a joined row to
    /// a record that numbers its columns from 0.
    private var first: Int32 = 0

    init(_ statement: Statement) {
        self.statement = statement.sqliteStatement
        self.owner = statement
    }

    /// A column that does not hold what the query promised: a bug, reported with its SQL.
    public struct Mismatch: Error, CustomStringConvertible {
        public let column: Int
        public let expected: String
        public let sql: String
        public var description: String { "column \(column) is not \(expected) in: \(sql)" }
    }

    /// The statement's index of a column.
    @inline(__always) private func at(_ column: Int) -> Int32 { first + Int32(column) }

    /// `read` with the columns numbered from `column`: one row of a join holds several
    /// records, each read by the positions of its own query (`CaseContext.load`).
    public func reading<T>(from column: Int, _ read: (ColumnReader) throws -> T) rethrows -> T {
        let saved = first
        first += Int32(column)
        defer { first = saved }
        return try read(self)
    }

    public func isNull(_ column: Int) -> Bool { sqlite3_column_type(statement, at(column)) == SQLITE_NULL }

    public func int(_ column: Int) -> Int { Int(sqlite3_column_int64(statement, at(column))) }

    public func int64(_ column: Int) -> Int64 { sqlite3_column_int64(statement, at(column)) }

    public func bool(_ column: Int) -> Bool { sqlite3_column_int64(statement, at(column)) != 0 }

    public func optionalInt64(_ column: Int) -> Int64? { isNull(column) ? nil : int64(column) }

    public func optionalDouble(_ column: Int) -> Double? { isNull(column) ? nil : sqlite3_column_double(statement, at(column)) }

    /// The column's UTF-8 bytes (none for NULL), valid until the next step.
    func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
        guard let start = sqlite3_column_text(statement, at(column)) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, at(column))))
    }

    /// Text ("" for NULL: use `optionalText` where NULL means something).
    public func text(_ column: Int) -> String { String(decoding: bytes(column), as: UTF8.self) }

    public func optionalText(_ column: Int) -> String? { isNull(column) ? nil : text(column) }

    /// Short text (an id, an email) without a String when it fits in the value itself.
    public func inlineText(_ column: Int) -> InlineText { InlineText(utf8: bytes(column)) }

    public func optionalInlineText(_ column: Int) -> InlineText? { isNull(column) ? nil : inlineText(column) }

    /// A comma-separated column (a shop's notification addresses), split on its bytes: a
    /// String split by Character walks grapheme clusters, 8 k instructions for a shop.
    /// Empty items are dropped, as `split(separator:)` drops them; NULL is no items.
    public func commaList(_ column: Int) -> [String] {
        bytes(column).split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A date as GRDB stores it (nil for NULL); text this product did not write, or a
    /// number, is left to GRDB's own conversion.
    public func date(_ column: Int) -> Date? {
        switch sqlite3_column_type(statement, at(column)) {
        case SQLITE_NULL: return nil
        case SQLITE_TEXT:
            if let date = StoredDate.fastParse(bytes(column)) { return date }
            fallthrough
        default: return Date.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: at(column)))
        }
    }

    public func requiredDate(_ column: Int) throws -> Date {
        guard let date = date(column) else { throw Mismatch(column: Int(at(column)), expected: "a date", sql: owner.sql) }
        return date
    }

    /// A date as the shop API writes it (`APITime`; nil for NULL): from the stored text
    /// where it is in the product's form, else through the Date.
    func apiTime(_ column: Int) -> APITime? {
        if sqlite3_column_type(statement, at(column)) == SQLITE_TEXT, let iso = StoredDate.isoText(bytes(column)) {
            return APITime(iso: iso)
        }
        return date(column).map(APITime.init)
    }

    func requiredAPITime(_ column: Int) throws -> APITime {
        guard let time = apiTime(column) else { throw Mismatch(column: Int(at(column)), expected: "a date", sql: owner.sql) }
        return time
    }

    /// An enum value by its raw value (nil for NULL or a value the enum does not have).
    public func value<Value: StoredText>(_ column: Int) -> Value? {
        Value.storedValues.value(of: bytes(column))
    }

    /// An ISO 4217 currency (nil for a code that is not one).
    public func currency(_ column: Int) -> Currency? {
        let code = bytes(column)
        if let last = lastCurrency, Currency.letters(code) == last.letters { return last }
        guard let currency = Currency(code: String(decoding: code, as: UTF8.self)) else { return nil }
        lastCurrency = currency
        return currency
    }
}

/// An enum kept in the database as its raw text, readable by `ColumnReader.value`.
public protocol StoredText: RawRepresentable<String>, Sendable {
    static var storedValues: StoredValues<Self> { get }
}

/// Every value of an enum beside the UTF-8 bytes of its raw value.
public struct StoredValues<Value: RawRepresentable<String>>: Sendable where Value: Sendable {
    private let entries: [(bytes: [UInt8], value: Value)]

    public init(_ values: [Value]) {
        entries = values.map { (Array($0.rawValue.utf8), $0) }
    }

    func value(of bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let start = bytes.baseAddress else { return nil }
        // memcmp: the generic `elementsEqual` compared byte by byte through an iterator,
        // for two enum columns of every list row.
        for entry in entries where entry.bytes.count == bytes.count {
            if bytes.isEmpty || entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, start, bytes.count) }) == 0 {
                return entry.value
            }
        }
        return nil
    }
}

extension StoredText where Self: CaseIterable {
    /// Built once per enum from all its cases.
    public static func allStoredValues() -> StoredValues<Self> { StoredValues(Array(allCases)) }
}

extension CaseState: StoredText { public static let storedValues = allStoredValues() }
extension CaseReason: StoredText { public static let storedValues = allStoredValues() }
extension CaseKind: StoredText { public static let storedValues = allStoredValues() }
extension EscalationReason: StoredText { public static let storedValues = allStoredValues() }
extension ActorKind: StoredText { public static let storedValues = allStoredValues() }
extension EventKind: StoredText { public static let storedValues = allStoredValues() }
extension InboundOutcome: StoredText { public static let storedValues = allStoredValues() }
extension Role: StoredText { public static let storedValues = allStoredValues() }
extension Party: StoredText { public static let storedValues = allStoredValues() }
extension AppLocale: StoredText { public static let storedValues = allStoredValues() }
extension UserRecord.UserRole: StoredText { public static let storedValues = allStoredValues() }

/// Steps a statement, handing each row to `transform` as `ColumnReader`. It adopts GRDB's
/// hook for cursors of one's own (`DatabaseCursor`, whose requirements are `_`-prefixed),
/// so stepping, errors and statement bookkeeping stay GRDB's; GRDB is pinned to one
/// version in Package.swift.
final class ColumnReaderCursor<Element>: DatabaseCursor {
    var _isDone = false
    let _statement: Statement
    private let columns: ColumnReader
    private let transform: (ColumnReader) throws -> Element

    init(_ statement: Statement, arguments: SQLValues, transform: @escaping (ColumnReader) throws -> Element) throws {
        _statement = statement
        columns = ColumnReader(statement)
        self.transform = transform
        try Self.bind(arguments, to: statement)
    }

    /// Binds `arguments` to the statement's placeholders straight through SQLite's C API.
    /// GRDB's `setArguments` validated and copied them into its own `StatementArguments`
    /// first (with the array literal that made them, 5 k instructions a query, a tenth
    /// of a case page's seven). The statement's `arguments`, as GRDB would name them in
    /// an error's message, stay those of its last GRDB call.
    private static func bind(_ arguments: SQLValues, to statement: Statement) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        let placeholders = Int(sqlite3_bind_parameter_count(handle))
        guard placeholders == arguments.count else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "\(arguments.count) arguments for \(placeholders) placeholders", sql: statement.sql)
        }
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch argument?.databaseValue.storage ?? .null {
            case .null: code = sqlite3_bind_null(handle, index)
            case .int64(let value): code = sqlite3_bind_int64(handle, index, value)
            case .double(let value): code = sqlite3_bind_double(handle, index, value)
            case .string(var text):
                // An empty String may have no buffer, and a NULL pointer would bind NULL.
                code = text.withUTF8 { bytes in
                    bytes.isEmpty
                        ? sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
                        : sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                }
            case .blob(let data):
                code = data.withUnsafeBytes { bytes in
                    bytes.isEmpty
                        ? sqlite3_bind_zeroblob(handle, index, 0)
                        : sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                }
            }
            guard code == SQLITE_OK else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                    sql: statement.sql)
            }
        }
    }

    deinit {
        // As GRDB's own cursors do: a statement left mid-way would hold its read open.
        sqlite3_reset(_statement.sqliteStatement)
    }

    func _element(sqliteStatement: SQLiteStatement) throws -> Element { try transform(columns) }
}

/// The values of a query's `?` placeholders, in their order (`Database.mapRows`).
public typealias SQLValues = [(any DatabaseValueConvertible)?]

/// SQLite copies a value bound with this "destructor" before the bind returns.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension Database {
    /// Each row of the (cached) query handed to `body` while the statement stands on it,
    /// and kept nowhere: for an answer written as its rows are read.
    public func forEachRow(sql: String, arguments: SQLValues = [], _ body: (ColumnReader) throws -> Void) throws {
        let statement = try cachedStatement(sql: sql)
        try withoutActuallyEscaping(body) { body in
            let cursor = try ColumnReaderCursor(statement, arguments: arguments, transform: body)
            while try cursor.next() != nil {}
        }
    }

    /// Each row of the (cached) query made into a value while the statement stands on it.
    public func mapRows<T>(sql: String, arguments: SQLValues = [], _ transform: (ColumnReader) throws -> T)
        throws -> [T]
    {
        let statement = try cachedStatement(sql: sql)
        return try withoutActuallyEscaping(transform) { transform in
            let cursor = try ColumnReaderCursor(statement, arguments: arguments, transform: transform)
            var values: [T] = []
            while let value = try cursor.next() { values.append(value) }
            return values
        }
    }
}
