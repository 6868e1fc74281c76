/// The languages people read the product in. A customer reads the protection's locale;
/// staff read their own.
public enum AppLocale: String, CaseIterable, Sendable, Codable {
    case en, pl, de

    public static let fallback: AppLocale = .en

    /// "pl", "pl-PL", "pl_PL", "PL" → .pl; anything unknown → nil.
    public init?(tag: String) {
        let language = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        guard let locale = AppLocale(rawValue: language) else { return nil }
        self = locale
    }

    /// Plural category for a count, as the catalog's `_one` / `_few` / `_many` keys expect.
    public func pluralCategory(_ n: Int) -> String {
        let n = abs(n)
        switch self {
        case .en, .de:
            return n == 1 ? "one" : "other"
        case .pl:
            if n == 1 { return "one" }
            let lastDigit = n % 10
            let lastTwo = n % 100
            if (2...4).contains(lastDigit) && !(12...14).contains(lastTwo) { return "few" }
            return "many"
        }
    }
}
