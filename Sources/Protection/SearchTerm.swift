/// What someone typed into a search box, understood the way a merchant on the phone or
/// an agent means it: "#107380" is a case number, "4711" a case number or the start of
/// an order number, "anna@example.com" a customer, anything else the start of an order
/// number.
public enum SearchTerm: Equatable, Sendable {
    /// `#107380`: only the case with that number.
    case caseNumber(Int)
    /// `107380`: the case with that number, and orders whose number starts with it.
    case numberOrOrder(Int, prefix: String)
    /// Orders whose number is or starts with this.
    case orderPrefix(String)
    /// A customer's address, compared lowercased (addresses are stored that way).
    case email(String)

    /// The longest text a search box accepts; longer is no case, order or address.
    public static let maximumLength = 200

    /// nil for an empty box, or for text too long to be any of them.
    public static func parse(_ raw: String) -> SearchTerm? {
        let text = raw.trimmedWhitespace
        guard !text.isEmpty, text.utf8.count <= maximumLength, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
        else { return nil }
        if text.hasPrefix("#") {
            let digits = text.dropFirst().trimmedWhitespace
            if let number = Int(digits), number > 0, digits.allSatisfy(\.isASCIIDigit) { return .caseNumber(number) }
            return .orderPrefix(text)
        }
        if text.contains("@") { return .email(text.lowercased()) }
        if text.allSatisfy(\.isASCIIDigit), text.count <= 18, let number = Int(text) { return .numberOrOrder(number, prefix: text) }
        return .orderPrefix(text)
    }

    /// The text as it was understood, for "results for …".
    public var text: String {
        switch self {
        case .caseNumber(let number): "#\(number)"
        case .numberOrOrder(_, let prefix), .orderPrefix(let prefix): prefix
        case .email(let address): address
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
