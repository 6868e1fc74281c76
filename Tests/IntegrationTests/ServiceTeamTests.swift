import Foundation
import Testing

/// The service team through nginx (SPEC §3.3, §3.5): the queue, mediation, notes that
/// no party ever sees, document requests, decisions, insolvency, the dashboard.
@Suite(.serialized) struct ServiceTeamTests {
    /// A case the customer disputed (variant C, "disagree"), with documents on both sides.
    func disputedCase(_ world: World) throws -> (caseID: String, customer: Browser, merchant: Browser) {
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder("S-1", amount: "300.00"), message: "Brak paczki",
                                        files: [World.pdf])
        let merchant = try world.merchant()
        let receipt = Browser.File(name: "list przewozowy.png", contentType: "image/png",
                                   bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 1, count: 64))
        #expect(try world.reply(merchant, caseID: caseID, refund: "no", message: "Doręczono", files: [receipt]).status == 303)
        #expect(try world.answer(anna, caseID: caseID, answer: "disagree", message: "Nieprawda").status == 303)
        return (caseID, anna, merchant)
    }

    @Test func aDisputedCaseIsInTheQueueWithBothSidesAndTheirDocuments() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let (caseID, _, _) = try disputedCase(world)
        let agent = try world.agent()
        let queue = try agent.get("/service/queue")
        #expect(queue.text.contains("/service/cases/\(caseID)"))
        #expect(queue.text.contains("The customer disagrees with the shop&#39;s solution"))
        let view = try agent.get("/service/cases/\(caseID)")
        for text in ["Brak paczki", "Doręczono", "Nieprawda", "potwierdzenie zamówienia.pdf", "list przewozowy.png", "S-1"] {
            #expect(view.text.contains(text), "agent sees \(text)")
        }
        for path in Browser.allMatches(#"href="(/documents/[a-z2-7]+)""#, in: view.text) {
            #expect(try agent.get(path).status == 200)
        }
        let filtered = try agent.get("/service/queue?reason=merchant_no_response")
        #expect(!filtered.text.contains("/service/cases/\(caseID)"))
        #expect(try agent.get("/service/queue?reason=solution_disputed").text.contains("/service/cases/\(caseID)"))
        #expect(!(try agent.get("/service/queue?assignee=mine").text.contains(caseID)))
        try agent.post("/service/cases/\(caseID)/assign", [])
        #expect(try agent.get("/service/queue?assignee=mine").text.contains(caseID))
    }

    @Test func aNoteStaysInvisibleToBothPartiesOnEveryPageAndInEveryEmail() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let (caseID, customer, merchant) = try disputedCase(world)
        let agent = try world.agent()
        try agent.get("/service/cases/\(caseID)")
        #expect(try agent.post("/service/cases/\(caseID)/note", [("text", "SECRET-NOTE-42")]).status == 303)
        #expect(try agent.get("/service/cases/\(caseID)").text.contains("SECRET-NOTE-42"))
        try agent.get("/service/cases/\(caseID)")
        #expect(try agent.post("/service/cases/\(caseID)/message", [("to", "both"), ("text", "Please both explain.")]).status == 303)
        try agent.get("/service/cases/\(caseID)")
        #expect(try agent.post("/service/cases/\(caseID)/decision", [("outcome", "rejected"), ("amount", ""), ("text", "Rejected.")]).status == 303)
        try stack.deliverMail()
        let pages = ["/account", "/cases/\(caseID)"].map { (customer, $0) }
            + ["/merchant/cases", "/merchant/cases/\(caseID)", "/merchant/cases?state=closed"].map { (merchant, $0) }
        for (browser, path) in pages {
            let page = try browser.get(path)
            #expect(page.status == 200)
            #expect(!page.text.contains("SECRET-NOTE-42"), "\(path)")
        }
        #expect(stack.mailbox.all().allSatisfy { !$0.raw.contains("SECRET-NOTE") && !$0.text.contains("SECRET-NOTE") })
        let api = try world.api("GET", "/api/v1/cases?state=closed")
        #expect(!api.text.contains("SECRET"))
        #expect(try customer.get("/cases/\(caseID)").text.contains("Please both explain."))
    }

    @Test func aDocumentRequestReachesTheMerchantWhoseUploadTheAgentSees() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let (caseID, customer, merchant) = try disputedCase(world)
        let agent = try world.agent()
        try agent.get("/service/cases/\(caseID)")
        #expect(try agent.post("/service/cases/\(caseID)/request-documents", [("from", "merchant"), ("text", "Send the delivery proof")]).status == 303)
        #expect(try agent.get("/service/queue").text.contains("Waiting for documents"))
        try stack.deliverMail()
        let mail = try #require(stack.mailbox.to("orders@shop.example").last)
        #expect(mail.text.contains("Send the delivery proof"))
        #expect(mail.firstLinkPath == "/merchant/cases/\(caseID)")
        let page = try merchant.get("/merchant/cases/\(caseID)")
        #expect(page.text.contains("Send the delivery proof"))
        #expect(!(try customer.get("/cases/\(caseID)").text.contains("Send the delivery proof")), "asked of the merchant only")
        let proof = Browser.File(name: "dowod.pdf", contentType: "application/pdf", bytes: Array("%PDF-1.5\nproof\n".utf8))
        let sent = try merchant.postMultipart("/merchant/cases/\(caseID)/messages", [("message", "Attached")], files: [proof])
        #expect(sent.status == 303)
        let view = try agent.get("/service/cases/\(caseID)")
        #expect(view.text.contains("dowod.pdf"))
        #expect(!(try agent.get("/service/queue").text.contains("Waiting for documents")), "the request is answered")
    }

    @Test func aPayoutAboveTheCoverageLimitIsRefusedAndOneWithinItClosesTheCase() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, coverage: "100.00")
        let (caseID, customer, _) = try disputedCase(world)
        try stack.deliverMail()
        let before = stack.mailbox.all().count
        let agent = try world.agent()
        try agent.get("/service/cases/\(caseID)")
        let refused = try agent.post("/service/cases/\(caseID)/decision", [("outcome", "guarantee_payout"), ("amount", "100.01"), ("text", "Pay")])
        #expect(refused.status == 422)
        #expect(refused.text.contains("coverage limit"))
        let noText = try agent.post("/service/cases/\(caseID)/decision", [("outcome", "rejected"), ("amount", ""), ("text", "")])
        #expect(noText.status == 422)
        let unknown = try agent.post("/service/cases/\(caseID)/decision", [("outcome", "lottery"), ("amount", ""), ("text", "x")])
        #expect(unknown.status == 422)
        try stack.deliverMail()
        #expect(stack.mailbox.all().count == before, "nothing emailed")
        let paid = try agent.post("/service/cases/\(caseID)/decision", [("outcome", "guarantee_payout"), ("amount", "100.00"), ("text", "The guarantee pays.")])
        #expect(paid.status == 303)
        try stack.deliverMail()
        let decided = stack.mailbox.all().dropFirst(before)
        #expect(Set(decided.map(\.to)) == ["anna@example.com", "orders@shop.example", "boss@shop.example"])
        #expect(decided.allSatisfy { $0.text.contains("The guarantee pays.") })
        let closed = try customer.get("/cases/\(caseID)")
        #expect(closed.text.contains("state-closed"))
        let forms = Browser.allMatches(#"<form method="post" action="(/cases/[^"]+)""#, in: closed.text)
        #expect(forms == ["/cases/\(caseID)/appeal"], "a decided case offers only the appeal")
        let again = try agent.get("/service/cases/\(caseID)")
        #expect(!again.text.contains("/decision\""), "no more forms for the agent either")
        let late = try agent.post("/service/cases/\(caseID)/note", [("text", "late")])
        #expect(late.status == 409)
    }

    @Test func insolvencyEscalatesTheShopsOpenCasesAndEmailsItsCustomers() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let open = try world.openCase(anna, protection: try world.registerOrder("I-1"))
        _ = try world.registerOrder("I-2", email: "john@example.com", locale: "en")
        let agent = try world.agent()
        let shop = try agent.get("/service/shops/\(world.shopID)")
        #expect(shop.status == 200)
        let wrong = try agent.post("/service/shops/\(world.shopID)/insolvency", [("confirm", "Wrong name")])
        #expect(wrong.status == 422)
        try agent.get("/service/shops/\(world.shopID)")
        #expect(try agent.post("/service/shops/\(world.shopID)/insolvency", [("confirm", "Sklep Testowy")]).status == 303)
        #expect(try anna.get("/cases/\(open)").text.contains("state-escalated"))
        try stack.deliverMail()
        #expect(stack.mailbox.to("john@example.com").contains { $0.subject.contains("insolvent") })
        let merchant = try world.merchant()
        let page = try merchant.get("/merchant/cases/\(open)")
        #expect(!page.text.contains("/reply\""), "the merchant's forms are gone")
        try merchant.get("/merchant/cases")
        let post = try merchant.postMultipart("/merchant/cases/\(open)/messages", [("message", "We object")])
        #expect(post.status == 409, "their posts are refused")
    }

    @Test func inquiriesAreAnsweredAndClosed() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let protection = try world.registerOrder("Q-1")
        let inquiryID = try world.openCase(anna, protection: protection, option: "other", message: "Czy mogę przedłużyć ochronę?")
        let merchant = try world.merchant()
        #expect(try merchant.get("/merchant/cases/\(inquiryID)").status == 404, "no merchant involvement")
        #expect(try anna.get("/protections/\(protection)").text.contains("name=\"option\""), "the protection stays active")
        let agent = try world.agent()
        #expect(try agent.get("/service/queue?reason=inquiry").text.contains(inquiryID))
        try agent.get("/service/cases/\(inquiryID)")
        #expect(try agent.post("/service/cases/\(inquiryID)/answer", [("text", "Nie, ochrona trwa 30 dni.")]).status == 303)
        try stack.deliverMail()
        #expect(stack.mailbox.to("anna@example.com").contains { $0.text.contains("Nie, ochrona trwa 30 dni.") })
        #expect(!(try agent.get("/service/queue").text.contains(inquiryID)))
    }

    @Test func onlyAgentsReachTheServicePages() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let (caseID, customer, merchant) = try disputedCase(world)
        for path in ["/service", "/service/queue", "/service/cases/\(caseID)", "/service/shops/\(world.shopID)", "/service/mail"] {
            #expect(try customer.get(path).status == 404, "\(path)")
            #expect(try merchant.get(path).status == 404, "\(path)")
            #expect(try stack.browser().get(path).status == 303, "\(path)")
        }
        try customer.get("/cases/\(caseID)")
        #expect(try customer.post("/service/cases/\(caseID)/note", [("text", "x")]).status == 404)
    }

    @Test func theDashboardDrawsItsChartsFromRealData() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        _ = try disputedCase(world)
        let agent = try world.agent()
        let dashboard = try agent.get("/service")
        #expect(dashboard.status == 200)
        #expect(Browser.allMatches("<svg class=\"chart", in: dashboard.text).count == 4)
        #expect(dashboard.text.contains(">Sklep Testowy</text>"), "the shop is named on its bar")
        #expect(dashboard.text.contains("Sklep Testowy"), "top shops by escalations")
        #expect(dashboard.text.contains(">1</td>"), "one escalated case counted")
    }
}
