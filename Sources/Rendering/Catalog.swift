import Foundation
import Protection

/// Every word a person reads, in one language. Templates read it as `{{t.key}}`, which the
/// template compiler turns into a typed key (`CatalogKey`, generated from `Strings/en.json`
/// and checked against every language at build time) and the words already escaped for
/// HTML. Code calls `catalog(.key)`, `catalog("key")` for keys it composes,
/// `catalog.format("key", ["n": "3"])` or `catalog.plural(…)`.
public final class Catalog: @unchecked Sendable {
    // @unchecked: everything is set in init and never changed; `words` is a block of
    // memory only this catalog frees, read by any thread.
    public let locale: AppLocale
    public let strings: [String: String]
    /// Where a missing key is looked up (English), so a gap shows English, not a key.
    private let fallback: [String: String]
    /// Every key's words, as text and escaped for HTML, the prepared plural forms and the
    /// pieces of every plural form around its `{n}`, in one block this catalog owns.
    /// Templates and list rows (`Words`) point into it while a page renders instead of each
    /// holding an array of the catalog's: those arrays are shared by every thread, and
    /// changing their reference counts from both cores at once was much of the seventh of
    /// a list page that went to retains and releases.
    private let words: UnsafeMutableBufferPointer<UInt8>
    /// Where each `CatalogKey.rawValue`'s words lie in `words`.
    private let textSpans: [Range<Int>]
    private let htmlSpans: [Range<Int>]

    public init(locale: AppLocale, strings: [String: String], fallback: [String: String]) {
        self.locale = locale
        self.strings = strings
        self.fallback = fallback
        var block: [UInt8] = []
        func span(_ bytes: some Collection<UInt8>) -> Range<Int> {
            let start = block.count
            block += bytes
            return start..<block.count
        }
        let words = CatalogKey.names.map { strings[$0] ?? fallback[$0] ?? $0 }
        textSpans = words.map { span($0.utf8) }
        htmlSpans = words.map { span(HTMLEscaping.escape($0).utf8) }
        var plurals: [String: [String: String]] = [:]
        for (key, text) in fallback.merging(strings, uniquingKeysWith: { $1 }) {
            for category in Self.pluralCategories where key.hasSuffix("_" + category) {
                plurals[String(key.dropLast(category.count + 1)), default: [:]][category] = text
            }
        }
        pluralForms = plurals
        let parts: [String: [String: PluralParts]] = plurals.reduce(into: [:]) { parts, plural in
            let (key, forms) = plural
            parts[key] = Dictionary(
                uniqueKeysWithValues: Self.pluralCategories.map { category in
                    let text = Array((forms[category] ?? forms["other"] ?? forms["many"] ?? key).utf8)
                    guard let at = Self.placeholderN(in: text) else { return (category, PluralParts(before: text, after: nil)) }
                    return (category, PluralParts(before: Array(text[..<at]), after: Array(text[(at + 3)...])))
                })
        }
        let preparedPlurals = parts.mapValues { forms in
            (0..<Self.preparedPluralCount).map { n in span(forms[locale.pluralCategory(n)]!.joined(n)) }
        }
        let pluralPieces = parts.mapValues { forms in
            forms.mapValues { form in PluralPieces(before: span(form.before), after: form.after.map { span($0) }) }
        }
        self.preparedPlurals = PluralKey.names.map { preparedPlurals[$0] }
        self.pluralPieces = PluralKey.names.map { name in
            pluralPieces[name].map { forms in Self.pluralCategories.map { forms[$0]! } }
        }
        self.words = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(block.count, 1))
        _ = self.words.initialize(from: block)
    }

    deinit { words.deallocate() }

    /// The bytes of a span of `words`, valid while this catalog lives.
    @inline(__always)
    private func bytes(_ span: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: words[span])
    }

    private static let pluralCategories = ["zero", "one", "two", "few", "many", "other"]

    /// A plural form split around its `{n}` (`after` nil: the form has none).
    private struct PluralParts: Sendable {
        let before: [UInt8]
        let after: [UInt8]?

        /// The form for `n`: its words around `n`'s digits.
        func joined(_ n: Int) -> [UInt8] {
            guard let after else { return before }
            return before + String(n).utf8 + after
        }
    }

    /// A plural form around its `{n}` as spans of `words` (`after` nil: the form has none).
    private struct PluralPieces: Sendable {
        let before: Range<Int>
        let after: Range<Int>?
    }

    /// Each plural key's forms (by `PluralKey`, then by the index of their category in
    /// `pluralCategories`), for counts past the prepared ones (a queue line waiting 120
    /// days): the words around the number, written beside its digits. Found by index: a
    /// dictionary hashed the key's name for every list line.
    private let pluralPieces: [[PluralPieces]?]

    /// Where `{n}` starts in a form's bytes.
    private static func placeholderN(in bytes: [UInt8]) -> Int? {
        bytes.indices.dropLast(2).first(where: {
            bytes[$0] == UInt8(ascii: "{") && bytes[$0 + 1] == UInt8(ascii: "n") && bytes[$0 + 2] == UInt8(ascii: "}")
        })
    }

    /// `days_left` for 0…99 days, written once: list rows ask for them by the dozen.
    private static let preparedPluralCount = 100
    /// Each plural key's prepared forms for 0…99 (by `PluralKey`), as spans of `words`.
    private let preparedPlurals: [[Range<Int>]?]

    /// The plural form for `n` of a key as text bytes, if it is one prepared (small `n`);
    /// valid while this catalog lives.
    public func preparedPlural(_ key: PluralKey, _ n: Int) -> UnsafeBufferPointer<UInt8>? {
        guard n >= 0 && n < Self.preparedPluralCount, let prepared = preparedPlurals[key.rawValue] else { return nil }
        return bytes(prepared[n])
    }

    /// The plural form for `n` of a key in the pieces before and after its number (nil
    /// after: the form shows no number), as text bytes valid while this catalog lives; nil
    /// for a key with no plural forms.
    public func pluralPieces(_ key: PluralKey, _ n: Int) -> (before: UnsafeBufferPointer<UInt8>, after: UnsafeBufferPointer<UInt8>?)? {
        let category = locale.pluralCategory(n)
        guard let forms = pluralPieces[key.rawValue], let index = Self.pluralCategories.firstIndex(of: category) else { return nil }
        let pieces = forms[index]
        return (bytes(pieces.before), pieces.after.map { bytes($0) })
    }

    /// The plural form for `n` of a key as text bytes.
    public func pluralBytes(_ key: String, _ n: Int) -> [UInt8] {
        // Every plural key is a `PluralKey` (the build checks each language's keys against
        // English's); anything else has no forms and is filled in as it stands.
        guard let typed = PluralKey(name: key) else { return Array(format(key, ["n": String(n)]).utf8) }
        if let prepared = preparedPlural(typed, n) { return Array(prepared) }
        guard let pieces = pluralPieces(typed, n) else { return Array(format(key, ["n": String(n)]).utf8) }
        guard let after = pieces.after else { return Array(pieces.before) }
        return Array(pieces.before) + String(n).utf8 + after
    }

    /// `days_left` → ["one": "{n} day left", "other": "{n} days left"], read once.
    private let pluralForms: [String: [String: String]]

    /// The words of a key as a template writes them into a TEXT template; valid while
    /// this catalog lives.
    @inline(__always)
    public func text(_ key: CatalogKey) -> UnsafeBufferPointer<UInt8> { bytes(textSpans[key.rawValue]) }

    /// The words of a key escaped for HTML, prepared once at start; valid while this
    /// catalog lives.
    @inline(__always)
    public func html(_ key: CatalogKey) -> UnsafeBufferPointer<UInt8> { bytes(htmlSpans[key.rawValue]) }

    public func callAsFunction(_ key: CatalogKey) -> String { String(decoding: text(key), as: UTF8.self) }

    public func callAsFunction(_ key: String) -> String {
        strings[key] ?? fallback[key] ?? key
    }

    /// A string with `{name}` placeholders filled in.
    /// One pass over the text (list pages fill a few hundred of these); a `{name}` with
    /// no argument is left as it is, and a value is never searched for placeholders.
    public func format(_ key: String, _ arguments: [String: String]) -> String {
        Self.fill(self(key), arguments)
    }

    /// `text` with each `{name}` that `arguments` knows replaced by its value; other
    /// braces stay. Read as UTF-8 bytes (braces are ASCII): searching the String by
    /// Character was most of a document list's time.
    static func fill(_ text: String, _ arguments: [String: String]) -> String {
        guard !arguments.isEmpty else { return text }
        var text = text
        let filled: String? = text.withUTF8 { bytes in
            guard bytes.contains(UInt8(ascii: "{")) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "{"), let close = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "}")),
                    let value = arguments[String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<close]), as: UTF8.self)]
                {
                    out += value.utf8
                    index = close + 1
                } else {
                    out.append(byte)
                    index += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        return filled ?? text
    }

    /// The plural form for `n` (`key_one`, `key_few`, `key_many`, `key_other`) with `{n}` filled in.
    public func plural(_ key: String, _ n: Int, _ arguments: [String: String] = [:]) -> String {
        let category = locale.pluralCategory(n)
        guard let forms = pluralForms[key] else {
            var arguments = arguments
            arguments["n"] = String(n)
            return format(key, arguments)
        }
        guard arguments.isEmpty else {
            var arguments = arguments
            arguments["n"] = String(n)
            return Self.fill(forms[category] ?? forms["other"] ?? forms["many"] ?? key, arguments)
        }
        return String(decoding: pluralBytes(key, n), as: UTF8.self)
    }

    /// The label of an enumerated value, e.g. `state_awaiting_merchant`.
    public func label(_ prefix: String, _ value: String) -> String { self(prefix + "_" + value) }
}

/// The catalogs of all languages, read once at start from `Strings/<locale>.json`.
public struct Catalogs: Sendable {
    public let byLocale: [AppLocale: Catalog]

    public init(directory: String) throws {
        var raw: [AppLocale: [String: String]] = [:]
        for locale in AppLocale.allCases {
            let path = "\(directory)/\(locale.rawValue).json"
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            raw[locale] = try JSONDecoder().decode([String: String].self, from: data)
        }
        let english = raw[.en] ?? [:]
        var catalogs: [AppLocale: Catalog] = [:]
        for locale in AppLocale.allCases {
            catalogs[locale] = Catalog(locale: locale, strings: raw[locale] ?? [:], fallback: english)
        }
        byLocale = catalogs
    }

    public subscript(locale: AppLocale) -> Catalog { byLocale[locale]! }
}

extension PluralKey {
    /// The key of a stem as written in `Strings/*.json` (`days_left`), if it is one.
    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: index)
    }
}
