import Foundation
import Protection
import Rendering

// Values that write themselves into a page (`TemplateText`): a list row holds the
// amount, the dates and the catalog's words as they are, and the compiled template writes
// their bytes where the row is rendered. No String is made for them on the way, which for
// fifty rows of six formatted fields was a large share of a list page.
//
// The formats and catalogs they point at must be the App's (`app.format`, `app.catalogs`),
// made once at start and kept for as long as it runs: a row holds them without counting
// references (`unowned(unsafe)`, `Words.catalog`), because every thread's rows pointed at
// the same few objects and counting references to them from both cores at once was a
// large share of a list page. A format made on the spot would be gone before the page
// renders.

/// An amount for the reader's locale ("1 234,56 zł", "€1,234.56").
struct MoneyText: TemplateText {
    let money: Money
    unowned(unsafe) let format: LocaleFormat

    func write(into out: inout TemplateOutput, html: Bool) {
        out.write { format.appendMoney(money, to: &$0) }
    }

    var text: String { format.money(money) }
}

/// A date, or a date and time, for the reader's locale and time zone.
struct DateText: TemplateText {
    let date: Date
    unowned(unsafe) let format: LocaleFormat
    let withTime: Bool

    func write(into out: inout TemplateOutput, html: Bool) {
        if withTime {
            out.write { format.appendDateTime(date, to: &$0) }
        } else {
            out.write { format.appendDate(date, to: &$0) }
        }
    }

    var text: String { withTime ? format.dateTime(date) : format.date(date) }
}

/// Words of the catalog (a state's label, "3 days left"), as UTF-8 text prepared once.
struct Words: TemplateText {
    private enum Bytes {
        /// In the catalog's block (`Catalog.text`), which outlives every page.
        case catalog(UnsafeBufferPointer<UInt8>)
        /// A plural form's words around a number, in the catalog's block ("114 days").
        case counted(before: UnsafeBufferPointer<UInt8>, n: Int, after: UnsafeBufferPointer<UInt8>)
        /// Made for this page (a label the catalog has no key for).
        case own([UInt8])
    }
    private let bytes: Bytes

    /// Words of the App's catalog (see above: it outlives the page).
    init(catalog bytes: UnsafeBufferPointer<UInt8>) { self.bytes = .catalog(bytes) }

    init(counted before: UnsafeBufferPointer<UInt8>, _ n: Int, _ after: UnsafeBufferPointer<UInt8>) {
        self.bytes = .counted(before: before, n: n, after: after)
    }

    init(bytes: [UInt8]) { self.bytes = .own(bytes) }

    func write(into out: inout TemplateOutput, html: Bool) {
        func put(_ words: UnsafeBufferPointer<UInt8>) { if html { out.escape(words) } else { out.append(words) } }
        switch bytes {
        case .catalog(let words): put(words)
        case .counted(let before, let n, let after):
            put(before)
            out.int(n)
            put(after)
        case .own(let words): words.withUnsafeBufferPointer(put)
        }
    }

    var text: String {
        switch bytes {
        case .catalog(let words): String(decoding: words, as: UTF8.self)
        case .counted(let before, let n, let after):
            String(decoding: before, as: UTF8.self) + String(n) + String(decoding: after, as: UTF8.self)
        case .own(let words): String(decoding: words, as: UTF8.self)
        }
    }

    /// Nothing to show (a line without a reason).
    static var empty: Words { Words(bytes: []) }
}

extension Catalog {
    func words(_ key: CatalogKey) -> Words { Words(catalog: text(key)) }

    /// The label of an enumerated value (`state_awaiting_merchant`) by its key, found once
    /// per value rather than by composing and hashing its name for every row.
    func words<Value: LabelledValue>(_ value: Value) -> Words {
        if let key = Value.labelKeys[value] { return words(key) }
        return Words(bytes: Array(label(Value.labelPrefix, value.rawValue).utf8))
    }

    /// A plural form for `n` ("3 days left"), from those the catalog prepared if it can.
    func pluralWords(_ key: String, _ n: Int) -> Words {
        if let prepared = preparedPlural(key, n) { return Words(catalog: prepared) }
        if let pieces = pluralPieces(key, n) {
            guard let after = pieces.after else { return Words(catalog: pieces.before) }
            return Words(counted: pieces.before, n, after)
        }
        return Words(bytes: pluralBytes(key, n))
    }

    /// "3 days left", "overdue".
    func daysLeftWords(until due: Date, now: Date) -> Words {
        now >= due ? words(.deadline_overdue) : pluralWords("days_left", Deadlines.daysLeft(until: due, from: now))
    }
}

/// An enumeration whose values have labels in the catalog under `prefix_value`.
protocol LabelledValue: CaseIterable, Hashable, RawRepresentable where RawValue == String {
    static var labelPrefix: String { get }
    static var labelKeys: [Self: CatalogKey] { get }
}

extension LabelledValue {
    /// The catalog key of each value, for `labelKeys`.
    static func catalogKeys() -> [Self: CatalogKey] {
        var keys: [Self: CatalogKey] = [:]
        for value in allCases {
            if let key = CatalogKey.named(labelPrefix + "_" + value.rawValue) { keys[value] = key }
        }
        return keys
    }
}

extension CaseState: LabelledValue {
    static let labelPrefix = "state"
    static let labelKeys = catalogKeys()
}

extension CaseReason: LabelledValue {
    static let labelPrefix = "reason"
    static let labelKeys = catalogKeys()
}

extension EscalationReason: LabelledValue {
    static let labelPrefix = "escalation"
    static let labelKeys = catalogKeys()
}

/// A case's number as pages show it ("#1042"), written digit by digit.
struct CaseNumberText: TemplateText {
    let number: Int

    func write(into out: inout TemplateOutput, html: Bool) {
        out.literal("#")
        out.int(number)
    }

    var text: String { "#\(number)" }
}
