import Foundation
import GRDB
import Logging
@testable import Mail
@testable import Operations
@testable import Protection
@testable import Store

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let start = Date(timeIntervalSince1970: 1_795_000_000)
let day = Deadlines.day

/// A fresh data folder with a migrated database, a shop with two addresses, its merchant,
/// an agent, and an app whose clock the test moves.
final class Fixture {
    let directory: String
    let clock = FixedClock(start)
    let app: App
    let shop: ShopRecord
    let merchant: Viewer
    let agent: Viewer
    let anna = Viewer.customer(email: "anna@example.com")

    init(deadlines: Deadlines = Deadlines()) throws {
        var template = Array("/tmp/bp-ops-XXXXXX".utf8CString)
        directory = String(cString: mkdtemp(&template)!)
        var config = AppConfig(dataDirectory: directory, resourceRoot: repositoryRoot)
        config.deadlines = deadlines
        app = try App(config: config, clock: clock, logger: Logger(label: "test"))
        try app.database.migrate()
        let created = try app.createShop(name: "Sklep", emails: ["a@shop.pl", "b@shop.pl"], currency: "PLN", coverageLimit: "200.00", locale: "pl")
        shop = try app.database.read { db in try ShopRecord.find(db, id: created.id)! }
        merchant = .merchant(userID: try app.createUser(role: .merchant, shopID: shop.id, email: "m@shop.pl", password: "long password 1",
                                                        passwordRounds: 1024), shopID: shop.id)
        agent = .agent(userID: try app.createUser(role: .agent, shopID: nil, email: "agent@op.pl", password: "long password 1",
                                                  passwordRounds: 1024))
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func protection(_ number: String, amount: String = "249.99", email: String = "anna@example.com") throws -> ProtectionRecord {
        try app.registerProtection(shop: shop, ProtectionRegistration(orderNumber: number, orderDate: "2026-11-18", amount: amount,
                                                                      currency: "PLN", customerEmail: email, locale: "pl"))
    }

    func openCase(_ number: String) throws -> String {
        let p = try protection(number)
        guard case .caseOpened(let id) = try app.giveFeedback(protectionID: p.id, viewer: anna, option: .notReceived, message: "Brak",
                                                               uploads: []) else { throw NotFound() }
        return id
    }

    /// The outbox, every queued notice worded (as delivery would).
    func outbox() throws -> [OutboxEntry] {
        try app.wordPendingMail()
        return try app.database.read { db in try OutboxEntry.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id") }
    }

    /// Delivery through a test transport, wording notices as the real worker does.
    func delivery(_ transport: any MailTransport, maxAttempts: Int = 12) -> MailDelivery {
        let app = self.app
        return MailDelivery(database: app.database, transport: transport, from: "bp@op.pl", maxAttempts: maxAttempts,
                            logger: Logger(label: "t"), word: { try app.word($0) })
    }

    func state(_ caseID: String) throws -> CaseState {
        try app.database.read { db in try CaseRecord.find(db, id: caseID)!.file.state }
    }

    /// Another app on the same data folder, as a second process would be.
    func secondApp() throws -> App {
        try App(config: app.config, clock: FixedClock(clock.now()), logger: Logger(label: "test2"))
    }
}

/// A transport that fails a given number of times, then delivers into memory.
final class FlakyTransport: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var failuresLeft: Int
    private(set) var delivered: [String] = []

    init(failures: Int) { failuresLeft = failures }

    func deliver(_ message: String, to recipient: String, key: String) throws {
        try lock.withLock {
            if failuresLeft > 0 {
                failuresLeft -= 1
                throw MailDeliveryError("mail server down")
            }
            delivered.append(message)
        }
    }
}
