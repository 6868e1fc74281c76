import Foundation
import Testing

/// Disputes in depth through nginx (issue "Disputes in depth"): returns with a paused
/// clock, appeals, four-eyes payouts and business-day deadlines, with real forms,
/// `bp tick --at` for the clock, and the emails each step sends.
@Suite(.serialized) struct DisputeDepthTests {
    let day: TimeInterval = 86_400

    /// A second agent of the operator, signed in.
    func secondAgent(_ world: World, _ email: String = "agent2@operator.example") throws -> Browser {
        let made = try world.stack.run(["admin", "create-user", "--role", "agent", "--email", email], stdin: world.password + "\n")
        #expect(made.status == 0)
        return try world.staff("/service/login", email)
    }

    /// A case the merchant answered "yes, after the goods are returned" with the full value.
    func returnCase(_ world: World, order: String) throws -> (caseID: String, customer: Browser, merchant: Browser) {
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder(order, locale: "en"))
        let merchant = try world.merchant()
        #expect(try world.reply(merchant, caseID: caseID, refund: "yes_after_return", amount: "249.99", message: "Send it back").status == 303)
        return (caseID, anna, merchant)
    }

    func sendReturn(_ customer: Browser, _ caseID: String, carrier: String, tracking: String,
                    files: [Browser.File] = []) throws -> HTTPReply {
        try customer.get("/cases/\(caseID)")
        return try customer.postMultipart("/cases/\(caseID)/return", [("carrier", carrier), ("tracking", tracking)], files: files)
    }

    func confirm(_ merchant: Browser, _ caseID: String, received: String, message: String = "") throws -> HTTPReply {
        try merchant.get("/merchant/cases/\(caseID)")
        return try merchant.post("/merchant/cases/\(caseID)/return-receipt", [("received", received), ("message", message)])
    }

    @Test func aReturnRunsShipmentPausedClockReceiptRefundAndCloses() throws {
        // The shop has 30 days to confirm here, so the customer's 20 days pass while the goods travel.
        let stack = try Stack(environment: ["BP_RETURN_DAYS": "30"])
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let (caseID, anna, merchant) = try returnCase(world, order: "R-1")
        let page = try anna.get("/cases/\(caseID)")
        #expect(page.text.contains("action=\"/cases/\(caseID)/return\""))
        #expect(page.text.contains("value=\"in_person\""))
        #expect(page.text.contains("Waiting for the goods to be sent back"))

        let receipt = Browser.File(name: "nadanie.pdf", contentType: "application/pdf", bytes: World.pdf.bytes)
        let sent = try sendReturn(anna, caseID, carrier: "inpost", tracking: "6201 2345-AB", files: [receipt])
        #expect(sent.status == 303)
        #expect(sent.location == "/cases/\(caseID)?done=return_sent")
        let paused = try anna.get("/cases/\(caseID)")
        #expect(paused.text.contains("Your time to answer is paused"))
        #expect(paused.text.contains("20 days left"))
        #expect(paused.text.contains("Goods on their way back to the shop"))
        #expect(paused.text.contains("tracking number 6201 2345-AB"))
        #expect(paused.text.contains("nadanie.pdf"))
        #expect(!paused.text.contains("action=\"/cases/\(caseID)/return\""), "the return is sent once")
        try stack.deliverMail()
        let toShop = stack.mailbox.all().filter { $0.subject.contains("the customer sent the goods back") }
        #expect(toShop.count == 2, "both notification addresses")
        #expect(toShop.first?.text.contains("InPost, tracking number 6201 2345-AB") ?? false)

        // While the goods travel, the customer's 20 days do not run out.
        let closing = try stack.tick(at: Date() + 21 * day)
        #expect(closing.stdout.contains("cases closed (customer no response): 0"))
        #expect(closing.stdout.contains("cases escalated (return unconfirmed): 0"))
        // The Control Centre lists the return as a to-do of its own.
        #expect(try merchant.get("/merchant/cases").text.contains("Returns to confirm (1)"))
        let toConfirm = try merchant.get("/merchant/cases?state=returns").text
        #expect(toConfirm.contains("/merchant/cases/\(caseID)") && toConfirm.contains("Goods on their way back to the shop"))
        let shopPage = try merchant.get("/merchant/cases/\(caseID)")
        #expect(shopPage.text.contains("action=\"/merchant/cases/\(caseID)/return-receipt\""))
        #expect(try confirm(merchant, caseID, received: "not_yet", message: "Nothing yet").location
            == "/merchant/cases/\(caseID)?done=return_not_yet")
        #expect(try confirm(merchant, caseID, received: "yes", message: "Arrived whole").location
            == "/merchant/cases/\(caseID)?done=return_confirmed")
        #expect(!(try merchant.get("/merchant/cases?state=returns").text.contains("/merchant/cases/\(caseID)")), "confirmed")
        try stack.deliverMail()
        #expect(stack.mailbox.to("anna@example.com").contains { $0.subject.contains("the goods have not arrived yet") })
        let arrived = stack.mailbox.to("anna@example.com").filter { $0.subject.contains("has your returned goods") }
        #expect(arrived.count == 1)
        #expect(arrived.first?.text.contains("Arrived whole") ?? false)
        let resumed = try anna.get("/cases/\(caseID)")
        #expect(!resumed.text.contains("Your time to answer is paused"))
        #expect(resumed.text.contains("Refund due by"))
        #expect(try world.answer(anna, caseID: caseID, answer: "refund_received").status == 303)
        #expect(try anna.get("/cases/\(caseID)").text.contains("state-closed"))
        let timeline = try merchant.get("/merchant/cases/\(caseID)").text
        for heading in ["The customer sent the goods back", "The shop has not received the goods yet", "The shop confirmed the returned goods"] {
            #expect(timeline.contains(heading))
        }
    }

    @Test func anUnconfirmedReturnAndAnOverdueRefundEscalateFromTheClock() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let (silent, anna, merchant) = try returnCase(world, order: "R-2")
        let (slow, _, _) = try returnCase(world, order: "R-3")
        let start = Date()
        #expect(try sendReturn(anna, silent, carrier: "dhl", tracking: "JD0001").status == 303)
        #expect(try sendReturn(anna, slow, carrier: "in_person", tracking: "").status == 303)
        #expect(try confirm(merchant, slow, received: "yes").status == 303)

        #expect(try stack.tick(at: start + 5 * day - 600).stdout.contains("cases escalated (refund overdue): 0"))
        #expect(try stack.tick(at: start + 5 * day + 600).stdout.contains("cases escalated (refund overdue): 1"))
        #expect(try stack.tick(at: start + 14 * day - 600).stdout.contains("cases escalated (return unconfirmed): 0"))
        let unconfirmed = try stack.tick(at: start + 14 * day + 600)
        #expect(unconfirmed.stdout.contains("cases escalated (return unconfirmed): 1"))
        #expect(try stack.tick(at: start + 15 * day).stdout.contains("cases escalated (return unconfirmed): 0"), "once")
        let agent = try world.agent()
        #expect(try agent.get("/service/queue?reason=return_unconfirmed").text.contains("/service/cases/\(silent)"))
        #expect(try agent.get("/service/queue?reason=refund_overdue").text.contains("/service/cases/\(slow)"))
        let mails = stack.mailbox.all().filter { $0.subject.contains("is now with our service team") }
        #expect(mails.contains { $0.text.contains("did not confirm receiving your returned goods in time") })
        #expect(mails.contains { $0.text.contains("You did not confirm the returned goods for order R-2 in time") })
        #expect(mails.contains { $0.text.contains("has not been confirmed in time") })
    }

    @Test func badReturnInputIsRefusedBesideItsFieldAndChangesNothing() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let (caseID, anna, merchant) = try returnCase(world, order: "R-4")
        try stack.deliverMail()
        let before = stack.mailbox.all().count
        for tracking in ["AB\u{7}12", String(repeating: "9", count: 200), "<script>"] {
            let refused = try sendReturn(anna, caseID, carrier: "dpd", tracking: tracking)
            #expect(refused.status == 422)
            #expect(refused.text.contains("id=\"return-tracking-error\""))
            #expect(refused.text.contains("at most 40 characters"))
        }
        let missing = try sendReturn(anna, caseID, carrier: "dpd", tracking: "  ")
        #expect(missing.status == 422 && missing.text.contains("Enter the tracking number"))
        let noCarrier = try sendReturn(anna, caseID, carrier: "pigeon", tracking: "1")
        #expect(noCarrier.status == 422 && noCarrier.text.contains("id=\"return-carrier-error\""))
        // The merchant confirms nothing before anything was sent, and the customer cannot confirm.
        let early = try confirm(merchant, caseID, received: "yes")
        #expect(early.status == 409)
        try anna.get("/cases/\(caseID)")
        #expect(try anna.post("/merchant/cases/\(caseID)/return-receipt", [("received", "yes")]).status != 303)
        #expect(try anna.get("/cases/\(caseID)").text.contains("action=\"/cases/\(caseID)/return\""), "still waiting for the shipment")
        try stack.deliverMail()
        #expect(stack.mailbox.all().count == before, "nothing emailed")
    }

    /// A disputed case the first agent decides with a settlement.
    func decidedCase(_ world: World, order: String) throws -> (caseID: String, customer: Browser, merchant: Browser, agent: Browser) {
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder(order, locale: "en"))
        let merchant = try world.merchant()
        #expect(try world.reply(merchant, caseID: caseID, refund: "no", message: "Delivered").status == 303)
        #expect(try world.answer(anna, caseID: caseID, answer: "disagree").status == 303)
        let agent = try world.agent()
        try agent.get("/service/cases/\(caseID)")
        #expect(try agent.post("/service/cases/\(caseID)/decision", [("outcome", "rejected"), ("amount", ""), ("text", "Proof of delivery.")])
            .status == 303)
        return (caseID, anna, merchant, agent)
    }

    @Test func anAppealReopensTheCaseForASecondAgentWhoseDecisionIsFinal() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let (caseID, anna, merchant, first) = try decidedCase(world, order: "A-1")
        try stack.deliverMail()
        #expect(stack.mailbox.to("anna@example.com").contains { $0.text.contains("you can appeal once on the case page until") })
        let page = try anna.get("/cases/\(caseID)")
        #expect(page.text.contains("action=\"/cases/\(caseID)/appeal\""))
        #expect(try merchant.get("/merchant/cases/\(caseID)").text.contains("action=\"/merchant/cases/\(caseID)/appeal\""))

        let empty = try anna.postMultipart("/cases/\(caseID)/appeal", [("message", "  ")])
        #expect(empty.status == 422 && empty.text.contains("id=\"message-appeal-error\""))
        try anna.get("/cases/\(caseID)")
        let appealed = try anna.postMultipart("/cases/\(caseID)/appeal", [("message", "The parcel was empty")], files: [World.pdf])
        #expect(appealed.location == "/cases/\(caseID)?done=appealed")
        #expect(try anna.get("/cases/\(caseID)").text.contains("state-escalated"))
        try stack.deliverMail()
        let toShop = stack.mailbox.to("orders@shop.example").filter { $0.subject.contains("the decision was appealed") }
        #expect(toShop.count == 1 && (toShop.first?.text.contains("The parcel was empty") ?? false))

        let queue = try first.get("/service/queue?reason=appeal")
        #expect(queue.text.contains("/service/cases/\(caseID)"))
        let view = try first.get("/service/cases/\(caseID)")
        #expect(view.text.contains("Another agent decides the appeal"))
        #expect(!view.text.contains("action=\"/service/cases/\(caseID)/decision\""))
        let refused = try first.post("/service/cases/\(caseID)/decision", [("outcome", "rejected"), ("amount", ""), ("text", "Again")])
        #expect(refused.status == 409 && refused.text.contains("another agent decides the appeal"))

        let second = try secondAgent(world)
        try second.get("/service/cases/\(caseID)")
        #expect(try second.post("/service/cases/\(caseID)/decision", [("outcome", "settled"), ("amount", ""), ("text", "Split it.")])
            .status == 303)
        #expect(!(try anna.get("/cases/\(caseID)").text.contains("action=\"/cases/\(caseID)/appeal\"")), "the second decision is final")
        try merchant.get("/merchant/cases/\(caseID)")
        let again = try merchant.postMultipart("/merchant/cases/\(caseID)/appeal", [("message", "Me too")])
        #expect(again.status == 409 && again.text.contains("the second decision is final"))
        try stack.deliverMail()
        #expect(stack.mailbox.to("anna@example.com").contains { $0.text.contains("This decision on the appeal is final") })
    }

    static let faketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

    @Test func anAppealAfterFourteenDaysIsRefused() throws {
        try #require(FileManager.default.fileExists(atPath: Self.faketime), "make test installs faketime")
        // Every `bp` process reads its clock offset from this file (libfaketime), so the
        // test can move the server's clock forward between two requests.
        let offset = NSTemporaryDirectory() + "bp-faketime-\(UUID().uuidString)"
        try "+0d".write(toFile: offset, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: offset) }
        let stack = try Stack(environment: [
            "LD_PRELOAD": Self.faketime, "FAKETIME_TIMESTAMP_FILE": offset, "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        ])
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let (caseID, _, _, _) = try decidedCase(world, order: "A-2")
        try "+15d".write(toFile: offset, atomically: true, encoding: .utf8)
        let anna = try world.customer("anna@example.com")
        let page = try anna.get("/cases/\(caseID)")
        #expect(page.text.contains("state-closed"))
        #expect(!page.text.contains("action=\"/cases/\(caseID)/appeal\""), "no form after the window")
        let late = try anna.postMultipart("/cases/\(caseID)/appeal", [("message", "Late")])
        #expect(late.status == 409 && late.text.contains("The time to appeal this decision has passed"))
        #expect(try anna.get("/cases/\(caseID)").text.contains("state-closed"), "nothing changed")
    }

    @Test func aLargePayoutWaitsForASecondAgent() throws {
        let stack = try Stack(environment: ["BP_PAYOUT_APPROVAL_ABOVE": "100.00"])
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder("P-1", locale: "en"))
        let merchant = try world.merchant()
        #expect(try world.reply(merchant, caseID: caseID, refund: "no", message: "No").status == 303)
        #expect(try world.answer(anna, caseID: caseID, answer: "disagree").status == 303)
        let first = try world.agent()
        try first.get("/service/cases/\(caseID)")
        let over = try first.post("/service/cases/\(caseID)/decision", [("outcome", "guarantee_payout"), ("amount", "2600"), ("text", "Pay")])
        #expect(over.status == 422, "above the coverage limit even with approval")
        try first.get("/service/cases/\(caseID)")
        let proposed = try first.post("/service/cases/\(caseID)/decision", [("outcome", "guarantee_payout"), ("amount", "200,00"),
                                                                             ("text", "We pay from the guarantee.")])
        #expect(proposed.location == "/service/cases/\(caseID)?done=payout_proposed")
        let waiting = try first.get("/service/cases/\(caseID)")
        #expect(waiting.text.contains("Awaiting approval"))
        #expect(!waiting.text.contains("/approve-payout\""), "the proposer has no approve button")
        #expect(try first.post("/service/cases/\(caseID)/approve-payout", []).status == 409)
        #expect(try first.get("/service/queue?approval=awaiting").text.contains("/service/cases/\(caseID)"))
        #expect(try anna.get("/cases/\(caseID)").text.contains("state-escalated"), "nothing closes before approval")
        #expect(!(try anna.get("/cases/\(caseID)").text.contains("We pay from the guarantee")), "the proposal is internal")

        let second = try secondAgent(world)
        try second.get("/service/cases/\(caseID)")
        let noNote = try second.post("/service/cases/\(caseID)/return-payout", [("text", " ")])
        #expect(noNote.status == 422)
        try second.get("/service/cases/\(caseID)")
        #expect(try second.post("/service/cases/\(caseID)/return-payout", [("text", "Check the invoice first")]).status == 303)
        try first.get("/service/cases/\(caseID)")
        #expect(try first.post("/service/cases/\(caseID)/decision", [("outcome", "guarantee_payout"), ("amount", "200.00"),
                                                                    ("text", "Invoice checked; we pay.")]).status == 303)
        try second.get("/service/cases/\(caseID)")
        #expect(try second.post("/service/cases/\(caseID)/approve-payout", []).location
            == "/service/cases/\(caseID)?done=payout_approved")
        #expect(try anna.get("/cases/\(caseID)").text.contains("state-closed"))
        let timeline = try second.get("/service/cases/\(caseID)").text
        for text in ["Payout proposed (awaiting approval)", "Payout sent back", "Payout approved", "agent@operator.example",
                     "agent2@operator.example"] {
            #expect(timeline.contains(text), "\(text)")
        }
        try stack.deliverMail()
        #expect(stack.mailbox.to("anna@example.com").contains { $0.text.contains("Invoice checked; we pay.") })
    }

    /// The business-day rule with the clock of every `bp` process set to the Thursday
    /// before Easter 2026 (libfaketime): Poland skips Easter Monday, Germany Good Friday too.
    @Test func withBusinessDaysACaseOpenedTheThursdayBeforeEasterIsDueOnTheRightDay() throws {
        let library = Self.faketime
        try #require(FileManager.default.fileExists(atPath: library), "make test installs faketime")
        for (calendar, country, due) in [("business", "PL", "2026-04-10T10:00"), ("business", "DE", "2026-04-13T10:00"),
                                         ("calendar", "PL", "2026-04-07T10:00")] {
            let stack = try Stack(environment: [
                "BP_DEADLINE_CALENDAR": calendar, "LD_PRELOAD": library, "FAKETIME": "@2026-04-02 10:00:00",
                "FAKETIME_DONT_FAKE_MONOTONIC": "1", "TZ": "UTC",
            ])
            defer { stack.stop() }
            let shop = try stack.run(["admin", "create-shop", "--name", "Sklep \(country)", "--email", "o@shop.example",
                                      "--country", country])
            let key = try #require(Browser.firstMatch(#""api_key"\s*:\s*"([^"]+)""#, in: shop.stdout))
            let browser = stack.browser()
            let registered = try browser.request("POST", "/api/v1/protections", headers: [
                ("Authorization", "Bearer \(key)"), ("Content-Type", "application/json"),
            ], body: Array(#"{"order_number": "E-1", "order_date": "2026-04-01T10:00:00Z", "amount": "99.00", "currency": "PLN", "customer_email": "ola@example.com"}"#.utf8))
            #expect(registered.status == 201)
            let protection = try #require(Browser.firstMatch(#""id"\s*:\s*"([a-z2-7]+)""#, in: registered.text))
            try browser.get("/login")
            #expect(try browser.post("/login", [("email", "ola@example.com")]).status == 200)
            try stack.tick(at: ISO8601DateFormatter().date(from: "2026-04-02T10:05:00Z")!)
            let link = try #require(stack.mailbox.to("ola@example.com").last?.firstLinkPath)
            #expect(try browser.get(link).status == 303)
            try browser.get("/protections/\(protection)")
            #expect(try browser.postMultipart("/protections/\(protection)/feedback", [("option", "not_received"), ("message", "")]).status == 303)
            let cases = try browser.request("GET", "/api/v1/cases", headers: [("Authorization", "Bearer \(key)")], body: [])
            #expect(cases.text.contains("\"merchant_due_at\":\"\(due)"), "\(calendar) \(country): \(cases.text)")
        }
    }
}
