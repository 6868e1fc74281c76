/// Who is asking: the one question every handler asks once (SPEC §1, §7).
public enum Viewer: Sendable, Equatable {
    case anonymous
    /// A customer signed in by email link; the email is stored lowercased.
    case customer(email: String)
    case merchant(userID: String, shopID: String)
    case agent(userID: String)

    public var role: Role? {
        switch self {
        case .anonymous: nil
        case .customer: .customer
        case .merchant: .merchant
        case .agent: .agent
        }
    }

    /// The part of an event's audience this viewer belongs to.
    public var audience: Audience {
        switch self {
        case .anonymous: []
        case .customer: .customer
        case .merchant: .merchant
        case .agent: .agent
        }
    }
}

public enum Role: String, Sendable, CaseIterable, Codable {
    case customer, merchant, agent
}

/// What a permission check needs to know of a case.
public struct CaseOwnership: Sendable, Equatable {
    public var kind: CaseKind
    public var shopID: String
    public var customerEmail: String

    public init(kind: CaseKind, shopID: String, customerEmail: String) {
        self.kind = kind
        self.shopID = shopID
        self.customerEmail = customerEmail
    }
}

public enum Access {
    /// Whether the viewer may see the case at all. Those who may not get a 404, so ids
    /// cannot be probed. Inquiries are between the customer and the service team.
    public static func canSee(_ viewer: Viewer, _ owner: CaseOwnership) -> Bool {
        switch viewer {
        case .anonymous: false
        case .customer(let email): email == owner.customerEmail
        case .merchant(_, let shopID): owner.kind == .claim && shopID == owner.shopID
        case .agent: true
        }
    }

    /// Whether the viewer may see a protection (its customer, its shop, agents).
    public static func canSeeProtection(_ viewer: Viewer, shopID: String, customerEmail: String) -> Bool {
        switch viewer {
        case .anonymous: false
        case .customer(let email): email == customerEmail
        case .merchant(_, let shop): shop == shopID
        case .agent: true
        }
    }

    /// Whether an event with this audience is shown to the viewer.
    public static func canRead(_ viewer: Viewer, audience: Audience) -> Bool {
        !audience.intersection(viewer.audience).isEmpty
    }
}

public enum EmailAddress {
    /// The addresses in a list as people type it: commas, semicolons, spaces or lines
    /// between them (split by Character: "\r\n" is one, so a list of separators would miss it).
    public static func listItems(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" }).map(String.init)
    }

    /// A plain, conservative check of an address's shape: local@domain.tld, no spaces,
    /// no characters that could break a header. Returns the address lowercased.
    public static func normalize(_ raw: String) -> String? {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard email.utf8.count <= 254, let at = email.lastIndex(of: "@") else { return nil }
        let local = email[..<at]
        let domain = email[email.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, domain.contains("."), !domain.hasPrefix("."),
            !domain.hasSuffix("."), !domain.contains("..")
        else { return nil }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        let domainAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        guard local.allSatisfy({ localAllowed.contains($0) }), !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains(".."), domain.allSatisfy({ domainAllowed.contains($0) })
        else { return nil }
        let labels = domain.split(separator: ".")
        guard labels.allSatisfy({ !$0.hasPrefix("-") && !$0.hasSuffix("-") && $0.count <= 63 }),
            let tld = labels.last, tld.count >= 2
        else { return nil }
        return email
    }
}
