import Foundation
import GRDB
import Protection
import Store

/// `bp demo`: a demo shop with a merchant, an agent, and protections and cases in every
/// state, made through the same operations real users go through (so their timelines
/// and emails are real too), on a clock that walks from 40 days ago to now.
extension App {
    public struct DemoLogins: Sendable {
        public var shopID: String
        public var apiKey: String?
        public var merchantEmail: String
        public var agentEmail: String
        public var customerEmails: [String]
        public var alreadySeeded: Bool
    }

    public static let demoMerchantEmail = "merchant@demo-shop.example"
    public static let demoAgentEmail = "agent@buyer-protection.example"
    /// A second agent: payouts above the approval threshold and appeals need two people.
    public static let demoSecondAgentEmail = "agent2@buyer-protection.example"
    public static let demoPassword = "demo-password"

    public static func seedDemo(config: AppConfig, now: Date = Date()) throws -> DemoLogins {
        let clock = FixedClock(now)
        let app = try App(config: config, clock: clock)
        if let shopID = try app.database.read({ db in
            try String.fetchOne(
                db, sql: "SELECT shop_id FROM users WHERE email = ?",
                arguments: [demoMerchantEmail])
        }) {
            return DemoLogins(
                shopID: shopID, apiKey: nil, merchantEmail: demoMerchantEmail, agentEmail: demoAgentEmail,
                customerEmails: ["anna@example.com", "john@example.com"], alreadySeeded: true)
        }
        let day = Deadlines.day
        func at(_ daysAgo: Double) { clock.set(now - daysAgo * day) }
        at(60)
        let shop = try app.createShop(
            name: "Demo Shop", emails: ["orders@demo-shop.example", "support@demo-shop.example"],
            currency: "PLN", coverageLimit: "2500.00", locale: "pl")
        let other = try app.createShop(
            name: "Gadget Corner", emails: ["cases@gadget-corner.example"], currency: "EUR",
            coverageLimit: "1000.00", locale: "en")
        let merchant = try app.createUser(
            role: .merchant, shopID: shop.id, email: demoMerchantEmail, password: demoPassword, locale: .pl, owner: true)
        _ = try app.createUser(role: .merchant, shopID: other.id, email: "merchant@gadget-corner.example", password: demoPassword)
        let agent = try app.createUser(role: .agent, shopID: nil, email: demoAgentEmail, password: demoPassword, admin: true)
        let secondAgent = Viewer.agent(
            userID: try app.createUser(role: .agent, shopID: nil, email: demoSecondAgentEmail, password: demoPassword))
        let shopRecord = try app.database.read { db in try ShopRecord.find(db, id: shop.id)! }
        let otherRecord = try app.database.read { db in try ShopRecord.find(db, id: other.id)! }
        let anna = Viewer.customer(email: "anna@example.com")
        let john = Viewer.customer(email: "john@example.com")
        let merchantViewer = Viewer.merchant(userID: merchant, shopID: shop.id)
        let agentViewer = Viewer.agent(userID: agent)
        var orderCounter = 1000

        func protection(_ viewer: Viewer, _ amount: String, shopRecord: ShopRecord = shopRecord, locale: String) throws -> String {
            guard case .customer(let email) = viewer else { return "" }
            orderCounter += 1
            let p = try app.registerProtection(
                shop: shopRecord,
                ProtectionRegistration(
                    orderNumber: "DEMO-\(orderCounter)", orderDate: ISO8601.string(clock.now() - 3600), amount: amount,
                    currency: shopRecord.currency.code, customerEmail: email, locale: locale))
            return p.id
        }
        func open(_ protectionID: String, _ viewer: Viewer, _ option: FeedbackOption, _ message: String) throws -> String {
            switch try app.giveFeedback(protectionID: protectionID, viewer: viewer, option: option, message: message, uploads: []) {
            case .caseOpened(let id), .inquirySent(let id), .alreadyOpened(let id): return id
            case .completed: return ""
            }
        }

        // Expired: 40 days ago, no feedback.
        at(40)
        _ = try protection(anna, "89.00", locale: "pl")
        // Completed: the customer said all is fine.
        at(20)
        let completed = try protection(john, "45.50", locale: "en")
        at(12)
        _ = try open(completed, john, .allFine, "")
        // Active, past day 23: the reminder is due at the next sweeper pass.
        at(24)
        _ = try protection(anna, "129.99", locale: "pl")
        // Active, fresh.
        at(1)
        _ = try protection(anna, "249.99", locale: "pl")
        at(2)
        _ = try protection(john, "19.99", shopRecord: otherRecord, locale: "en")

        // Awaiting the merchant: one fresh, one due tomorrow.
        at(4)
        let p1 = try protection(anna, "349.00", locale: "pl")
        at(4)
        _ = try open(p1, anna, .notReceived, "Paczka nie dotarła, a śledzenie przesyłki nie działa od tygodnia.")
        at(1)
        let p2 = try protection(john, "75.00", locale: "en")
        at(0.5)
        _ = try open(p2, john, .refundMissing, "I returned the shoes two weeks ago and have not seen my money.")

        // Awaiting the customer: variants A, B and C.
        at(10)
        let pa = try protection(anna, "199.00", locale: "pl")
        at(9)
        let ca = try open(pa, anna, .refundMissing, "Zwróciłam towar 1 października.")
        at(8)
        _ = try app.reply(
            caseID: ca, viewer: merchantViewer, refund: "yes", amount: "199,00",
            message: "Zwrot całej kwoty został zlecony dzisiaj.", uploads: [])
        at(10)
        let pb = try protection(john, "560.00", locale: "en")
        at(9)
        let cb = try open(pb, john, .notReceived, "Only one of the two chairs arrived.")
        at(7)
        _ = try app.reply(
            caseID: cb, viewer: merchantViewer, refund: "yes_after_return", amount: "280.00",
            message: "We refund the missing chair once the delivered one is confirmed undamaged.", uploads: [])
        at(11)
        let pc = try protection(anna, "99.90", locale: "pl")
        at(10)
        let cc = try open(pc, anna, .notReceived, "Zamówienie nie dotarło.")
        at(9)
        _ = try app.reply(
            caseID: cc, viewer: merchantViewer, refund: "no", amount: nil,
            message: "Przesyłka jest w drodze, przewoźnik potwierdza doręczenie w tym tygodniu.", uploads: [])

        // The return step: John sent the delivered chair back; his 20 days are paused.
        at(6)
        _ = try app.sendReturn(caseID: cb, viewer: john, carrier: "dpd", tracking: "0123 4567 8901", uploads: [])
        // A payout above the approval threshold, proposed by the second agent after the
        // shop stayed silent: it waits for the first agent's approval.
        at(14)
        let pp = try protection(john, "1800.00", locale: "en")
        at(13)
        let cp = try open(pp, john, .notReceived, "The laptop never arrived and the shop is silent.")

        // Escalated: the merchant stayed silent; the customer disputed.
        at(9)
        let pe1 = try protection(john, "120.00", locale: "en")
        at(8)
        let ce1 = try open(pe1, john, .notReceived, "Nothing arrived and the shop does not answer.")
        clock.set(now - 8 * day + Double(config.deadlines.merchantDays) * day + 60)
        _ = try app.sweep(at: clock.now())
        at(15)
        let pe2 = try protection(anna, "410.00", locale: "pl")
        at(14)
        let ce2 = try open(pe2, anna, .refundMissing, "Sklep potwierdził zwrot, ale pieniądze nie wróciły.")
        at(13)
        _ = try app.reply(
            caseID: ce2, viewer: merchantViewer, refund: "yes", amount: "410.00",
            message: "Zwrot wysłany 13 dni temu.", uploads: [])
        at(6)
        _ = try app.answer(caseID: ce2, viewer: anna, answer: "refund_not_received", message: "Na koncie nic nie ma.", uploads: [])
        at(5)
        _ = try app.addNote(caseID: ce2, viewer: agentViewer, text: "Ask the shop for the bank transfer confirmation.")
        at(5)
        _ = try app.requestDocuments(
            caseID: ce2, viewer: agentViewer, from: "merchant",
            text: "Please upload the confirmation of the bank transfer of the refund.")
        _ = ce1
        at(3)
        _ = try app.decide(
            caseID: cp, viewer: secondAgent, outcome: "guarantee_payout", amount: "1800.00",
            text: "The shop did not answer and the carrier has no delivery record. The guarantee pays the order value.")

        // An appeal: the second agent rejected Anna's claim; she appealed, so the first
        // agent decides it again.
        at(16)
        let pg = try protection(anna, "640.00", locale: "pl")
        at(15)
        let cg = try open(pg, anna, .notReceived, "Rower nie dotarł.")
        at(14)
        _ = try app.reply(caseID: cg, viewer: merchantViewer, refund: "no", amount: nil, message: "Doręczono do paczkomatu.", uploads: [])
        at(13)
        _ = try app.answer(caseID: cg, viewer: anna, answer: "disagree", message: "Paczkomat był pusty.", uploads: [])
        at(4)
        _ = try app.decide(
            caseID: cg, viewer: secondAgent, outcome: "rejected", amount: nil,
            text: "The carrier's record shows the parcel collected with the customer's code.")
        at(2)
        _ = try app.appeal(
            caseID: cg, viewer: anna, message: "Kod przyszedł SMS-em po odbiorze; proszę sprawdzić monitoring paczkomatu.",
            uploads: [])

        // Closed: refund confirmed, and by a service decision.
        at(30)
        let pd = try protection(john, "60.00", locale: "en")
        at(29)
        let cd = try open(pd, john, .refundMissing, "Refund missing.")
        at(28)
        _ = try app.reply(caseID: cd, viewer: merchantViewer, refund: "yes", amount: "60.00", message: "Refunded today.", uploads: [])
        at(25)
        _ = try app.answer(caseID: cd, viewer: john, answer: "refund_received", message: "Got it, thanks.", uploads: [])
        at(35)
        let pf = try protection(anna, "890.00", locale: "pl")
        at(34)
        let cf = try open(pf, anna, .notReceived, "Telewizor nie dotarł.")
        at(33)
        _ = try app.reply(
            caseID: cf, viewer: merchantViewer, refund: "no", amount: nil, message: "Przesyłka doręczona, mamy podpis.", uploads: [])
        at(31)
        _ = try app.answer(caseID: cf, viewer: anna, answer: "disagree", message: "To nie mój podpis.", uploads: [])
        at(30)
        _ = try app.assignToMe(caseID: cf, viewer: agentViewer)
        at(27)
        _ = try app.decide(
            caseID: cf, viewer: agentViewer, outcome: "guarantee_payout", amount: "890,00",
            text: "The carrier could not prove delivery to the customer. The guarantee pays the order value.")

        // An inquiry for the service team.
        at(3)
        let pi = try protection(john, "34.00", locale: "en")
        at(2)
        _ = try open(pi, john, .other, "Can I extend the protection? The order is a gift and ships late.")

        clock.set(now)
        return DemoLogins(
            shopID: shop.id, apiKey: shop.apiKey, merchantEmail: demoMerchantEmail, agentEmail: demoAgentEmail,
            customerEmails: ["anna@example.com", "john@example.com"], alreadySeeded: false)
    }
}
