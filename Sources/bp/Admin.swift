import ArgumentParser
import Foundation
import Operations
import Protection
import Store

struct Admin: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create shops and users.",
        subcommands: [CreateShop.self, CreateUser.self, ResetTwoStep.self])
}

struct CreateShop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-shop",
        abstract: "Create a shop; prints {\"id\", \"api_key\"}. The key is shown only now.")

    @Option(help: "The shop's name.") var name: String
    @Option(help: "Notification addresses, comma-separated.") var email: String
    @Option(help: "ISO 4217 currency.") var currency: String = "PLN"
    @Option(name: .customLong("coverage-limit"), help: "Most the guarantee pays on one case.") var coverageLimit: String = "2500.00"
    @Option(help: "Language of the shop's emails: en, pl or de.") var locale: String = "pl"
    @Option(help: "ISO 3166 country whose public holidays business-day deadlines skip (default: from --locale).")
    var country: String?

    func run() throws {
        let app = try Setup.app()
        do {
            let shop = try app.createShop(
                name: name, emails: email.split(separator: ",").map(String.init), currency: currency,
                coverageLimit: coverageLimit, locale: locale, country: country)
            Setup.printJSON(["id": shop.id, "api_key": shop.apiKey])
        } catch let invalid as InvalidInput {
            Setup.fail(invalid.description, code: 2)
        }
    }
}

struct CreateUser: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-user",
        abstract: "Create a merchant (--shop) or an agent; the password is read from stdin.")

    @Option(help: "merchant or agent.") var role: String
    @Option(help: "The merchant's shop id.") var shop: String?
    @Option(help: "Sign-in email.") var email: String
    @Option(help: "Language of pages and emails: en, pl or de.") var locale: String = "en"
    @Flag(help: "A merchant who manages the shop's settings (webhooks).") var owner = false
    @Flag(help: "An agent who administers the installation (every shop's webhooks).") var admin = false

    func run() throws {
        guard let role = UserRecord.UserRole(rawValue: role) else { Setup.fail("--role must be merchant or agent", code: 2) }
        guard let locale = Protection.AppLocale(rawValue: locale) else { Setup.fail("--locale must be en, pl or de", code: 2) }
        let app = try Setup.app()
        var password = readLine(strippingNewline: true) ?? ""
        if password.hasSuffix("\r") { password.removeLast() }
        guard !password.isEmpty else { Setup.fail("give the password on standard input", code: 2) }
        do {
            let id = try app.createUser(
                role: role, shopID: shop, email: email, password: password, locale: locale, owner: owner, admin: admin)
            Setup.printJSON(["id": id])
        } catch let invalid as InvalidInput {
            Setup.fail(invalid.description, code: 2)
        }
    }
}

/// For the one person the browser cannot help: the last admin who lost both phone and
/// recovery codes (anyone else's is reset from `/service/admin`).
struct ResetTwoStep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-two-step",
        abstract: "Turn off a staff member's two-step sign-in and end their sessions; prints {\"id\"}.")

    @Option(help: "merchant or agent.") var role: String
    @Option(help: "Their sign-in email.") var email: String

    func run() throws {
        guard let role = UserRecord.UserRole(rawValue: role) else { Setup.fail("--role must be merchant or agent", code: 2) }
        let app = try Setup.app()
        let normalized = EmailAddress.normalize(email) ?? email.lowercased()
        guard let user = try app.database.read({ db in try UserRecord.find(db, role: role, email: normalized) }) else {
            Setup.fail("no active \(role.rawValue) with the address \(email)", code: 1)
        }
        do {
            try app.resetTwoStep(userID: user.id, by: AuditActor(userID: nil, email: "bp admin", client: "cli"))
        } catch is NotFound {
            Setup.fail("\(email) has no two-step sign-in to reset", code: 1)
        }
        Setup.printJSON(["id": user.id])
    }
}
