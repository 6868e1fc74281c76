/// An amount in integer minor units (grosze, cents) of one currency. Never a float.
public struct Money: Hashable, Sendable, Comparable {
    public let minor: Int64
    public let currency: Currency

    public init(minor: Int64, currency: Currency) {
        self.minor = minor
        self.currency = currency
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minor < rhs.minor }

    /// The amount written plainly with a dot and all minor digits ("249.99", "1000.00"),
    /// as the shop API reads and writes it.
    public var plainDecimal: String {
        AmountText.plain(minor: minor, digits: currency.minorDigits, separator: ".")
    }
}

public enum AmountError: Error, Equatable, Sendable {
    case empty
    case notANumber
    case tooManyDecimals(allowed: Int)
    case notPositive
    case tooLarge
}

/// Reading and writing amounts as people type them: "249.99", "249,99", "1 234,56",
/// "1234". What could be read two ways ("1,234") is refused rather than guessed.
public enum AmountText {
    /// Largest accepted amount in minor units: far above any order, far below overflow.
    public static let maximumMinor: Int64 = 1_000_000_000_00

    public static func parse(_ raw: String, minorDigits: Int) -> Result<Int64, AmountError> {
        // Spaces (also no-break and narrow no-break) are only ever digit grouping.
        let text = raw.filter { !$0.isWhitespace && $0 != "\u{00A0}" && $0 != "\u{202F}" && $0 != "'" }
        guard !text.isEmpty else { return .failure(.empty) }
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == ",") }) else {
            return .failure(.notANumber)
        }
        let separators = text.filter { $0 == "." || $0 == "," }
        var integerPart = text
        var fraction = ""
        if let last = text.lastIndex(where: { $0 == "." || $0 == "," }) {
            let lastSeparator = text[last]
            let dots = separators.filter { $0 == "." }.count
            let commas = separators.count - dots
            let decimalSeparator: Character?
            if dots > 0 && commas > 0 {
                decimalSeparator = lastSeparator  // "1.234,56" or "1,234.56"
                if separators.filter({ $0 == lastSeparator }).count > 1 { return .failure(.notANumber) }
            } else if separators.count == 1 {
                decimalSeparator = lastSeparator
            } else {
                decimalSeparator = nil  // "1.234.567": grouping only
            }
            if let decimalSeparator {
                let cut = text.lastIndex(of: decimalSeparator)!
                integerPart = String(text[..<cut])
                fraction = String(text[text.index(after: cut)...])
                guard !fraction.isEmpty else { return .failure(.notANumber) }
            }
            // What is left of separators must be well-formed thousands grouping.
            let groups = integerPart.split(separator: integerPart.contains(".") ? "." : ",", omittingEmptySubsequences: false)
            if groups.count > 1 {
                guard let first = groups.first, (1...3).contains(first.count),
                    groups.dropFirst().allSatisfy({ $0.count == 3 })
                else { return .failure(.notANumber) }
            }
            integerPart = integerPart.filter(\.isNumber)
        }
        guard !integerPart.isEmpty || !fraction.isEmpty else { return .failure(.notANumber) }
        guard fraction.allSatisfy(\.isNumber) else { return .failure(.notANumber) }
        guard fraction.count <= minorDigits else { return .failure(.tooManyDecimals(allowed: minorDigits)) }
        let digitsOnly = integerPart.drop(while: { $0 == "0" })
        guard digitsOnly.count <= 15 else { return .failure(.tooLarge) }
        var minor = Int64(digitsOnly) ?? 0
        for _ in 0..<minorDigits { minor *= 10 }
        var fractionValue = Int64(fraction) ?? 0
        for _ in 0..<(minorDigits - fraction.count) { fractionValue *= 10 }
        minor += fractionValue
        guard minor <= maximumMinor else { return .failure(.tooLarge) }
        guard minor > 0 else { return .failure(.notPositive) }
        return .success(minor)
    }

    /// "1234.56" with the given separator and no grouping.
    public static func plain(minor: Int64, digits: Int, separator: String) -> String {
        let negative = minor < 0
        let value = minor.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let whole = value / divisor
        let part = value % divisor
        var text = (negative ? "-" : "") + String(whole)
        if digits > 0 {
            let fraction = String(part)
            text += separator + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }
}
