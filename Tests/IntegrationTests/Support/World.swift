import Foundation
import Testing

/// A shop with two notification addresses, a merchant, an agent and helpers to move
/// people through the product the way they would: API calls, emailed links, real forms.
final class World: @unchecked Sendable {
    let stack: Stack
    let shopID: String
    let apiKey: String
    let merchantEmail = "staff@shop.example"
    let agentEmail = "agent@operator.example"
    let password = "correct horse battery"

    init(stack: Stack, shopName: String = "Sklep Testowy", locale: String = "pl", coverage: String = "2500.00") throws {
        self.stack = stack
        let shop = try stack.run(["admin", "create-shop", "--name", shopName, "--email", "orders@shop.example,boss@shop.example",
                                  "--currency", "PLN", "--coverage-limit", coverage, "--locale", locale])
        guard shop.status == 0, let json = try JSONSerialization.jsonObject(with: Data(shop.stdout.utf8)) as? [String: String],
              let id = json["id"], let key = json["api_key"] else { throw HTTPFailure(description: "create-shop: \(shop.stderr)") }
        shopID = id
        apiKey = key
        let merchant = try stack.run(["admin", "create-user", "--role", "merchant", "--shop", id, "--email", merchantEmail,
                                      "--locale", "en"], stdin: password + "\n")
        guard merchant.status == 0 else { throw HTTPFailure(description: "create-user merchant: \(merchant.stderr)") }
        let agent = try stack.run(["admin", "create-user", "--role", "agent", "--email", agentEmail], stdin: password + "\n")
        guard agent.status == 0 else { throw HTTPFailure(description: "create-user agent: \(agent.stderr)") }
    }

    /// `POST /api/v1/protections` as the shop's system does it.
    func api(_ method: String, _ path: String, json: String? = nil, key: String? = nil, headers: [(String, String)] = []) throws -> HTTPReply {
        let browser = stack.browser()
        var all = [("Authorization", "Bearer \(key ?? apiKey)")] + headers
        if json != nil { all.append(("Content-Type", "application/json")) }
        return try browser.request(method, path, headers: all, body: Array((json ?? "").utf8))
    }

    /// A second shop ("Other Shop", created on first use) registers an order for the
    /// customer: the protection's id, for tests that one shop never sees another's cases.
    func registerInAnotherShop(_ number: String, email: String = "anna@example.com") throws -> String {
        if otherShopKey == nil {
            let other = try stack.run(["admin", "create-shop", "--name", "Other Shop", "--email", "o@other.example", "--currency", "PLN"])
            otherShopKey = Browser.firstMatch(#""api_key"\s*:\s*"([^"]+)""#, in: other.stdout)
        }
        return try registerOrder(number, amount: "10.00", email: email, key: otherShopKey)
    }
    private var otherShopKey: String?

    func registerOrder(_ number: String, amount: String = "249.99", email: String = "anna@example.com", locale: String = "pl",
                       key: String? = nil) throws -> String {
        let reply = try api("POST", "/api/v1/protections", json: """
            {"order_number": "\(number)", "order_date": "2026-11-20T10:00:00Z", "amount": "\(amount)", "currency": "PLN",
             "customer_email": "\(email)", "locale": "\(locale)"}
            """, key: key)
        guard reply.status == 201, let object = try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any],
              let id = object["id"] as? String else { throw HTTPFailure(description: "register: \(reply.status) \(reply.text)") }
        return id
    }

    /// The customer asks for a link on /login, the worker delivers it, they open it.
    func customer(_ email: String) throws -> Browser {
        let browser = stack.browser()
        try browser.get("/login")
        let sent = try browser.post("/login", [("email", email)])
        #expect(sent.status == 200)
        try stack.deliverMail()
        guard let mail = stack.mailbox.to(email).last(where: { $0.firstLinkPath?.hasPrefix("/login/") ?? false }),
              let path = mail.firstLinkPath else { throw HTTPFailure(description: "no sign-in mail for \(email)") }
        let signedIn = try browser.get(path)
        #expect(signedIn.status == 303)
        return browser
    }

    func merchant() throws -> Browser { try staff("/merchant/login", merchantEmail) }
    func agent() throws -> Browser { try staff("/service/login", agentEmail) }

    func staff(_ login: String, _ email: String, password: String? = nil) throws -> Browser {
        let browser = stack.browser()
        try browser.get(login)
        let reply = try browser.post(login, [("email", email), ("password", password ?? self.password)])
        guard reply.status == 303 else { throw HTTPFailure(description: "staff sign-in \(email): \(reply.status)") }
        return browser
    }

    /// Opens a case through the feedback form and returns its id.
    func openCase(_ customer: Browser, protection: String, option: String = "not_received", message: String = "Nie dotarło.",
                  files: [Browser.File] = []) throws -> String {
        try customer.get("/protections/\(protection)")
        let reply = try customer.postMultipart("/protections/\(protection)/feedback", [("option", option), ("message", message)], files: files)
        guard reply.status == 303, let location = reply.location, location.hasPrefix("/cases/") else {
            throw HTTPFailure(description: "feedback: \(reply.status) \(reply.location ?? "")")
        }
        return String(location.dropFirst("/cases/".count).prefix(while: { $0 != "?" }))
    }

    func reply(_ merchant: Browser, caseID: String, refund: String, amount: String = "", message: String = "Our answer.",
               files: [Browser.File] = []) throws -> HTTPReply {
        try merchant.get("/merchant/cases/\(caseID)/reply")
        return try merchant.postMultipart("/merchant/cases/\(caseID)/reply",
                                          [("refund", refund), ("amount", amount), ("message", message)], files: files)
    }

    func answer(_ customer: Browser, caseID: String, answer: String, message: String = "") throws -> HTTPReply {
        try customer.get("/cases/\(caseID)")
        return try customer.postMultipart("/cases/\(caseID)/answer", [("answer", answer), ("message", message)])
    }

    static let pdf = Browser.File(name: "potwierdzenie zamówienia.pdf", contentType: "application/pdf",
                                  bytes: Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".utf8))
}
