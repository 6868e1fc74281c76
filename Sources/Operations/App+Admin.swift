import Foundation
import GRDB
import Protection
import Store

/// A refused command or request, with a message fit to show as it is.
public struct InvalidInput: Error, CustomStringConvertible, Equatable {
    public let field: String?
    public let description: String
    public init(_ description: String, field: String? = nil) {
        self.field = field
        self.description = description
    }
}

extension App {
    public struct CreatedShop: Sendable, Equatable {
        public let id: String
        public let apiKey: String
    }

    /// `bp admin create-shop`: the API key is returned once and stored only as a hash.
    public func createShop(
        name: String, emails: [String], currency: String = "PLN", coverageLimit: String = "2500.00",
        locale: String = "pl", country: String? = nil
    ) throws -> CreatedShop {
        guard let name = name.nonEmpty, name.count <= 200 else { throw InvalidInput("--name must be 1 to 200 characters", field: "name") }
        guard !emails.isEmpty else { throw InvalidInput("--email needs at least one address", field: "email") }
        var addresses: [String] = []
        for raw in emails {
            guard let email = EmailAddress.normalize(raw) else { throw InvalidInput("\"\(raw)\" is not an email address", field: "email") }
            if !addresses.contains(email) { addresses.append(email) }
        }
        guard let money = Currency(code: currency.uppercased()) else {
            throw InvalidInput("--currency \"\(currency)\" is not an ISO 4217 code", field: "currency")
        }
        guard case .success(let limit) = AmountText.parse(coverageLimit, minorDigits: money.minorDigits) else {
            throw InvalidInput("--coverage-limit \"\(coverageLimit)\" is not a positive amount like 2500.00", field: "coverage_limit")
        }
        guard let shopLocale = AppLocale(tag: locale) else {
            throw InvalidInput("--locale must be one of \(AppLocale.allCases.map(\.rawValue).joined(separator: ", "))", field: "locale")
        }
        // Any ISO 3166 alpha-2 code: business days skip the public holidays of the
        // countries the product knows (HolidayCountry) and only weekends elsewhere.
        let countryCode = country?.uppercased()
        if let countryCode, countryCode.count != 2 || !countryCode.allSatisfy({ $0.isASCII && $0.isLetter }) {
            throw InvalidInput("--country must be a two-letter ISO 3166 code like PL or DE", field: "country")
        }
        let apiKey = "bpk_" + Secrets.newToken()
        let shop = ShopRecord(
            id: Secrets.newID(), name: name, notificationEmails: addresses, currency: money,
            coverageLimit: Money(minor: limit, currency: money), locale: shopLocale,
            apiKeyHash: Secrets.hash(apiKey), createdAt: now(), country: countryCode)
        try database.write { db in try shop.insert(db) }
        return CreatedShop(id: shop.id, apiKey: apiKey)
    }

    /// `bp admin create-user`: a merchant of a shop or an agent of the operator.
    public func createUser(
        role: UserRecord.UserRole, shopID: String?, email rawEmail: String, password: String,
        locale: AppLocale = .en, owner: Bool = false, admin: Bool = false, passwordRounds: Int = 1 << 15
    ) throws -> String {
        guard let email = EmailAddress.normalize(rawEmail) else {
            throw InvalidInput("\"\(rawEmail)\" is not an email address", field: "email")
        }
        switch passwordPolicy.problem(password, email: email) {
        case .tooShort?: throw InvalidInput("the password must have at least \(Passwords.minimumLength) characters", field: "password")
        case .tooLong?: throw InvalidInput("the password is too long", field: "password")
        case .common?: throw InvalidInput("that password is one of the most common ones; choose another", field: "password")
        case .containsEmail?: throw InvalidInput("the password must not contain the email address", field: "password")
        case nil: break
        }
        switch role {
        case .merchant:
            guard let shopID, !shopID.isEmpty else { throw InvalidInput("a merchant needs --shop", field: "shop") }
            guard !admin else { throw InvalidInput("--admin is for agents; a merchant who manages the shop is --owner", field: "admin") }
        case .agent:
            guard shopID == nil else { throw InvalidInput("an agent belongs to no shop: leave out --shop", field: "shop") }
            guard !owner else { throw InvalidInput("--owner is for merchants; an agent who administers is --admin", field: "owner") }
        }
        let hash = try Passwords.hash(password, rounds: passwordRounds)
        let user = UserRecord(
            id: Secrets.newID(), role: role, shopID: shopID, email: email, passwordHash: hash,
            locale: locale, createdAt: now(), owner: owner, admin: admin)
        try database.write { db in
            if let shopID, try ShopRecord.find(db, id: shopID) == nil { throw InvalidInput("there is no shop \(shopID)", field: "shop") }
            // Deactivated accounts too: addresses stay unique per role.
            if try UserRecord.exists(db, role: role, email: email) {
                throw InvalidInput("a \(role.rawValue) with the email \(email) exists already", field: "email")
            }
            try user.insert(db)
        }
        return user.id
    }
}
