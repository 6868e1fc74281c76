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
        var amount = ScratchBytes()
        format.writeMoney(money, to: &amount)
        out.append(amount)
    }

    var text: String { format.money(money) }
}

/// A date, or a date and time, for the reader's locale and time zone.
struct DateText: TemplateText {
    let date: Date
    unowned(unsafe) let format: LocaleFormat
    let withTime: Bool

    func write(into out: inout TemplateOutput, html: Bool) {
        var written = ScratchBytes()
        if withTime {
            format.writeDateTime(date, to: &written)
        } else {
            format.writeDate(date, to: &written)
        }
        out.append(written)
    }

    var text: String { withTime ? format.dateTime(date) : format.date(date) }
}

/// An instant as `<time datetime>` wants it (ISO 8601 in UTC), written from the Date.
struct MachineTime: TemplateText {
    let date: Date

    func write(into out: inout TemplateOutput, html: Bool) {
        var written = ScratchBytes()
        ISO8601.write(date, to: &written)
        out.append(written)
    }

    var text: String { LocaleFormat.machine(date) }
}

/// Words of the catalog (a state's label, "3 days left"), as UTF-8 text prepared once.
struct Words: TemplateText {
    private enum Bytes {
        /// In the catalog's block (`Catalog.text`), which outlives every page; with the
        /// escaped form the catalog prepared (`Catalog.html`), when it has one.
        case catalog(UnsafeBufferPointer<UInt8>, html: UnsafeBufferPointer<UInt8>?)
        /// A plural form's words around a number, in the catalog's block ("114 days").
        case counted(before: UnsafeBufferPointer<UInt8>, n: Int, after: UnsafeBufferPointer<UInt8>)
        /// Made for this page (a label the catalog has no key for).
        case own([UInt8])
    }
    private let bytes: Bytes

    /// Words of the App's catalog (see above: it outlives the page).
    init(catalog bytes: UnsafeBufferPointer<UInt8>, html: UnsafeBufferPointer<UInt8>? = nil) {
        self.bytes = .catalog(bytes, html: html)
    }

    init(counted before: UnsafeBufferPointer<UInt8>, _ n: Int, _ after: UnsafeBufferPointer<UInt8>) {
        self.bytes = .counted(before: before, n: n, after: after)
    }

    init(bytes: [UInt8]) { self.bytes = .own(bytes) }

    func write(into out: inout TemplateOutput, html: Bool) {
        func put(_ words: UnsafeBufferPointer<UInt8>) { if html { out.escape(words) } else { out.append(words) } }
        switch bytes {
        case .catalog(let words, let escaped):
            if html, let escaped { out.append(escaped) } else { put(words) }
        case .counted(let before, let n, let after):
            put(before)
            out.int(n)
            put(after)
        case .own(let words): words.withUnsafeBufferPointer(put)
        }
    }

    var text: String {
        switch bytes {
        case .catalog(let words, _): String(decoding: words, as: UTF8.self)
        case .counted(let before, let n, let after):
            String(decoding: before, as: UTF8.self) + String(n) + String(decoding: after, as: UTF8.self)
        case .own(let words): String(decoding: words, as: UTF8.self)
        }
    }

    /// Nothing to show (a line without a reason).
    static var empty: Words { Words(bytes: []) }
}

extension Catalog {
    func words(_ key: CatalogKey) -> Words { Words(catalog: text(key), html: html(key)) }

    /// The label of an enumerated value (`state_awaiting_merchant`).
    func words<Value: LabelledValue>(_ value: Value) -> Words { words(value.labelKey) }

    /// A plural form for `n` ("3 days left"), from those the catalog prepared if it can.
    func pluralWords(_ key: PluralKey, _ n: Int) -> Words {
        if let prepared = preparedPlural(key, n) { return Words(catalog: prepared) }
        if let pieces = pluralPieces(key, n) {
            guard let after = pieces.after else { return Words(catalog: pieces.before) }
            return Words(counted: pieces.before, n, after)
        }
        return Words(bytes: pluralBytes(key.name, n))
    }

    /// "3 days left", "overdue".
    func daysLeftWords(until due: Date, now: Date) -> Words {
        now >= due ? words(.deadline_overdue) : pluralWords(.days_left, Deadlines.daysLeft(until: due, from: now))
    }
}

/// An enumeration whose values have labels in the catalog under `prefix_value`. Each
/// names its keys in a switch, so a value without a label does not compile and a row finds
/// its label without hashing the value's name (a dictionary by value was a few percent
/// of a list page). `LabelKeyTests` checks each key against `prefix_value`.
protocol LabelledValue: CaseIterable, RawRepresentable where RawValue == String {
    static var labelPrefix: String { get }
    var labelKey: CatalogKey { get }
}

extension CaseState: LabelledValue {
    static let labelPrefix = "state"
    var labelKey: CatalogKey {
        switch self {
        case .awaitingMerchant: .state_awaiting_merchant
        case .awaitingCustomer: .state_awaiting_customer
        case .escalated: .state_escalated
        case .open: .state_open
        case .closed: .state_closed
        }
    }
}

extension CaseReason: LabelledValue {
    static let labelPrefix = "reason"
    var labelKey: CatalogKey {
        switch self {
        case .notReceived: .reason_not_received
        case .refundMissing: .reason_refund_missing
        }
    }
}

extension EscalationReason: LabelledValue {
    static let labelPrefix = "escalation"
    var labelKey: CatalogKey {
        switch self {
        case .merchantNoResponse: .escalation_merchant_no_response
        case .refundNotReceived: .escalation_refund_not_received
        case .partialRefused: .escalation_partial_refused
        case .solutionDisputed: .escalation_solution_disputed
        case .insolvency: .escalation_insolvency
        case .appeal: .escalation_appeal
        case .returnUnconfirmed: .escalation_return_unconfirmed
        case .refundOverdue: .escalation_refund_overdue
        }
    }
}

/// A list line's link to a case page, by the id the line read (`InlineText`).
struct CaseLink: TemplateText {
    let page: SiteRoute.CasePage
    let id: InlineText

    func write(into out: inout TemplateOutput, html: Bool) { SiteRoute.writeCasePath(page, id: id, into: &out, html: html) }

    var text: String { page.route(id.string).path }
}

/// Short text a list line read from the database (an email), written from its bytes.
extension InlineText: TemplateText {
    public func write(into out: inout TemplateOutput, html: Bool) {
        withUTF8 { if html { out.escape($0) } else { out.append($0) } }
    }

    public var text: String { string }
}

/// Text made of a head and a tail every line of a page shares around a part of the line's
/// own (the queue's "only this shop" link: the filters around the shop's id), written in
/// its three pieces: joined into a String it was four allocations a line. The ends are
/// escaped for HTML once a page (`Ends`), not once a line.
struct JoinedText: TemplateText {
    /// A page's head and tail, as they are and escaped for HTML.
    final class Ends {
        let head: String
        let tail: String
        let headHTML: [UInt8]
        let tailHTML: [UInt8]

        init(head: String, tail: String) {
            self.head = head
            self.tail = tail
            headHTML = Array(HTMLEscaping.escape(head).utf8)
            tailHTML = Array(HTMLEscaping.escape(tail).utf8)
        }
    }

    let ends: Ends
    let middle: InlineText

    func write(into out: inout TemplateOutput, html: Bool) {
        if html {
            out.append(ends.headHTML)
            middle.write(into: &out, html: html)
            out.append(ends.tailHTML)
        } else {
            out.raw(ends.head)
            middle.write(into: &out, html: html)
            out.raw(ends.tail)
        }
    }

    var text: String { ends.head + middle.string + ends.tail }
}

/// A case's state as a class names it (`state-awaiting_merchant`): its raw value, which
/// needs no escaping, written from a static string (escaping the same few names again was
/// a line's share of a list page's escaping).
struct StateName: TemplateText {
    let state: CaseState

    func write(into out: inout TemplateOutput, html: Bool) { out.literal(Self.name(state)) }

    var text: String { state.rawValue }

    static func name(_ state: CaseState) -> StaticString {
        switch state {
        case .awaitingMerchant: "awaiting_merchant"
        case .awaitingCustomer: "awaiting_customer"
        case .escalated: "escalated"
        case .open: "open"
        case .closed: "closed"
        }
    }
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
