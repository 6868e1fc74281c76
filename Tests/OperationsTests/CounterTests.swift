import Foundation
import GRDB
import Testing
@testable import Operations
@testable import Protection
@testable import Store

/// The case counters against a recount of `cases`, after every kind of state change the
/// application makes; and `bp check` finding and repairing a counter that drifted.
@Suite struct CounterTests {
    /// No counter differs from the recount, and what the pages read from the counters is
    /// what counting the cases gives.
    func expectCountersMatch(_ f: Fixture, shops: [String], after step: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        try f.app.database.read { (db: Database) throws -> Void in
            #expect(try Counters.drift(db) == [], "after \(step)", sourceLocation: sourceLocation)
            #expect(try CaseCopies.drift(db) == [], "copies after \(step)", sourceLocation: sourceLocation)
            func counted(_ sql: String, _ arguments: StatementArguments = []) throws -> [String: Int] {
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0[0], $0[1]) })
            }
            func read(_ sql: String, _ arguments: StatementArguments = []) throws -> [String: Int] {
                try counted(sql, arguments).filter { $0.value != 0 }
            }
            for shop in shops {
                let byState = try counted("SELECT state, COUNT(*) FROM cases WHERE shop_id = ? AND kind = 'claim' GROUP BY state", [shop])
                #expect(try read(ListSQL.shopCasesByState, [shop]) == byState, "after \(step)", sourceLocation: sourceLocation)
                let open = try CaseListing.openCounts(db, shopID: shop)
                #expect(Dictionary(uniqueKeysWithValues: open.map { ($0.key.rawValue, $0.value) }) == byState.filter { $0.key != "closed" },
                        "after \(step)", sourceLocation: sourceLocation)
            }
            #expect(try read(ListSQL.dashboardStates) == counted("SELECT state, COUNT(*) FROM cases WHERE state != 'closed' GROUP BY state"),
                    "after \(step)", sourceLocation: sourceLocation)
            #expect(try Int.fetchOne(db, sql: ListSQL.dashboardQueued) ?? 0
                    == Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE queued_at IS NOT NULL"),
                    "after \(step)", sourceLocation: sourceLocation)
        }
    }

    @Test func everyTransitionKeepsTheCountersEqualToARecount() throws {
        let f = try Fixture()
        let otherShop = try f.app.createShop(name: "Inny", emails: ["x@inny.pl"], currency: "PLN", coverageLimit: "200.00", locale: "pl")
        let shops = [f.shop.id, otherShop.id]
        func check(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            try expectCountersMatch(f, shops: shops, after: step, sourceLocation: sourceLocation)
        }
        try check("nothing")

        var cases: [String: String] = [:]
        for name in ["fullYes", "fullNo", "partial", "accept", "disagree", "silentMerchant", "silentCustomer"] {
            cases[name] = try f.openCase("N-\(name)")
            try check("opening \(name)")
        }
        #expect(try f.app.database.read { db in try CaseListing.openCounts(db, shopID: f.shop.id) } == [.awaitingMerchant: 7])

        func reply(_ name: String, _ refund: String, _ amount: String?) throws {
            _ = try f.app.reply(caseID: cases[name]!, viewer: f.merchant, refund: refund, amount: amount, message: "Odpowiedź", uploads: [])
            try check("the reply to \(name)")
        }
        try reply("fullYes", "yes", "249.99")
        try reply("fullNo", "yes_after_return", "249.99")
        try reply("partial", "yes", "100,00")
        for name in ["accept", "disagree", "silentCustomer"] { try reply(name, "no", nil) }

        func answer(_ name: String, _ answer: CustomerAnswer, _ state: CaseState) throws {
            _ = try f.app.answer(caseID: cases[name]!, viewer: f.anna, answer: answer.rawValue, message: "", uploads: [])
            #expect(try f.state(cases[name]!) == state)
            try check("answering \(name) with \(answer)")
        }
        try answer("fullYes", .refundReceived, .closed)
        try answer("fullNo", .refundNotReceived, .escalated)
        try answer("partial", .partialRefused, .escalated)
        try answer("accept", .accept, .closed)
        try answer("disagree", .disagree, .escalated)

        #expect(try f.app.sweep(at: start + 5 * day).casesEscalated == 1)
        #expect(try f.state(cases["silentMerchant"]!) == .escalated)
        try check("escalation by the merchant's deadline")
        #expect(try f.app.sweep(at: start + 20 * day).casesClosed == 1)
        #expect(try f.state(cases["silentCustomer"]!) == .closed)
        try check("closing at the customer's deadline")

        f.clock.set(start + 21 * day)
        _ = try f.app.decide(caseID: cases["silentMerchant"]!, viewer: f.agent, outcome: "rejected", amount: nil, text: "Decyzja")
        try check("a rejection")
        _ = try f.app.decide(caseID: cases["partial"]!, viewer: f.agent, outcome: "refund_by_merchant", amount: "150,00", text: "Decyzja")
        try check("a refund decision")

        let p = try f.protection("N-inquiry")
        guard case .inquirySent(let inquiry) = try f.app.giveFeedback(protectionID: p.id, viewer: f.anna, option: .other,
                                                                      message: "Pytanie", uploads: []) else {
            Issue.record("no inquiry")
            return
        }
        #expect(try f.state(inquiry) == .open)
        try check("opening an inquiry")
        _ = try f.app.answerInquiry(caseID: inquiry, viewer: f.agent, text: "Odpowiedź")
        #expect(try f.state(inquiry) == .closed)
        try check("answering the inquiry")

        let other = try f.app.database.read { db in try ShopRecord.find(db, id: otherShop.id)! }
        let elsewhere = try f.app.registerProtection(shop: other, ProtectionRegistration(
            orderNumber: "I-1", orderDate: "2026-11-18", amount: "99.00", currency: "PLN", customerEmail: "anna@example.com", locale: "pl"))
        _ = try f.app.giveFeedback(protectionID: elsewhere.id, viewer: f.anna, option: .refundMissing, message: "", uploads: [])
        try check("opening a case at another shop")
        #expect(try f.app.markInsolvent(shopID: other.id, viewer: f.agent, confirmation: "Inny").casesEscalated == 1)
        try check("insolvency")
        let late = try f.app.registerProtection(shop: f.app.database.read { db in try ShopRecord.find(db, id: other.id)! },
                                                ProtectionRegistration(orderNumber: "I-2", orderDate: "2026-11-18", amount: "99.00",
                                                                       currency: "PLN", customerEmail: "anna@example.com", locale: "pl"))
        _ = try f.app.giveFeedback(protectionID: late.id, viewer: f.anna, option: .notReceived, message: "", uploads: [])
        try check("opening a case at an insolvent shop")

        try f.app.database.read { (db: Database) throws -> Void in
            #expect(try CaseListing.openCounts(db, shopID: f.shop.id) == [.escalated: 2])
            #expect(try CaseListing.openCounts(db, shopID: other.id) == [.escalated: 2])
            #expect(try Int.fetchOne(db, sql: ListSQL.dashboardQueued) == 4)
        }
    }

    @Test func aDriftedCounterIsAProblemUntilCheckRepairsIt() throws {
        let f = try Fixture()
        _ = try f.openCase("N-1")
        _ = try f.openCase("N-2")
        #expect(try f.app.check(repair: false).counterDrift.isEmpty)
        try f.app.database.write { db in
            try db.execute(sql: "UPDATE counters SET n = n + 3 WHERE scope = 'shop' AND state = 'awaiting_merchant'")
            try db.execute(sql: "INSERT INTO counters (scope, state, n) VALUES ('state', 'escalated', 1)")
            try db.execute(sql: "DELETE FROM counters WHERE scope = 'state' AND state = 'awaiting_merchant'")
        }
        let found = try f.app.check(repair: false)
        #expect(found.counterDrift.count == 3)
        #expect(found.counterDrift.contains { $0.scope == "shop" && $0.shopID == f.shop.id && $0.stored == 5 && $0.counted == 2 })
        #expect(found.counterDrift.contains { $0.scope == "state" && $0.state == "awaiting_merchant" && $0.stored == 0 && $0.counted == 2 })
        #expect(!found.countersRepaired)
        #expect(found.problems.contains("3 case counters drifted"))
        #expect(try f.app.check(repair: false).counterDrift.count == 3, "a check alone changes nothing")

        let repaired = try f.app.check(repair: true)
        #expect(repaired.counterDrift.count == 3)
        #expect(repaired.countersRepaired)
        #expect(!repaired.problems.contains { $0.contains("counters") })
        #expect(try f.app.check(repair: false).counterDrift.isEmpty)
        try expectCountersMatch(f, shops: [f.shop.id], after: "the repair")
    }
}
