import Foundation
import Testing

/// SPEC §3 end to end through nginx with real forms: a case opened with a PDF, both shop
/// addresses emailed, the merchant's reply, the customer's answer in each variant.
@Suite(.serialized) struct CaseFlowTests {
    @Test func variantAFullRefundConfirmedClosesTheCase() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("PL-1001", amount: "249.99")
        let anna = try world.customer("anna@example.com")
        let page = try anna.get("/protections/\(protection)")
        for label in ["Wszystko w porządku, chciał(a)bym zakończyć Ochronę Kupującego", "Nie otrzymałem mojego zamówienia",
                      "Nie otrzymałem od sklepu zwrotu pieniędzy", "Mam inną sprawę"] {
            #expect(page.text.contains(label))
        }
        #expect(Browser.allMatches(#"name="option" value="([a-z_]+)""#, in: page.text) == ["all_fine", "not_received", "refund_missing", "other"])
        let caseID = try world.openCase(anna, protection: protection, message: "Paczka nie dotarła.", files: [World.pdf])
        let casePage = try anna.get("/cases/\(caseID)")
        #expect(casePage.text.contains("potwierdzenie zamówienia.pdf"))

        try stack.deliverMail()
        let toShop = stack.mailbox.all().filter { $0.subject.contains("PL-1001") && !$0.to.contains("anna") }
        #expect(Set(toShop.map(\.to)) == ["orders@shop.example", "boss@shop.example"])
        let shopMail = try #require(toShop.first)
        #expect(shopMail.text.contains("Wprowadź odpowiedź tutaj"), "the shop's language (pl) and the operator's wording")
        #expect(shopMail.text.contains("Paczka nie dotarła."))
        #expect(stack.mailbox.to("anna@example.com").contains { $0.subject.contains("PL-1001") })

        // The email's link leads to the case in the Control Centre, through sign-in.
        let merchant = stack.browser()
        let linkPath = try #require(shopMail.firstLinkPath)
        let gate = try merchant.get(linkPath)
        #expect(gate.status == 303)
        let loginPath = try #require(gate.location)
        try merchant.get(loginPath)
        let next = try #require(Browser.firstMatch(#"name="next" value="([^"]*)""#, in: merchant.lastPage!.text))
        let signedIn = try merchant.post("/merchant/login", [("email", world.merchantEmail), ("password", world.password), ("next", next)])
        #expect(signedIn.location == linkPath)
        let view = try merchant.get(linkPath)
        #expect(view.status == 200)
        for fact in ["PL-1001", "249.99", "anna@example.com", "Paczka nie dotarła.", "potwierdzenie zamówienia.pdf", "/reply"] {
            #expect(view.text.contains(fact), "case view shows \(fact)")
        }
        let customerSection = try #require(view.text.components(separatedBy: "id=\"customer-heading\"").dropFirst().first)
        #expect(
            customerSection.components(separatedBy: "<h2").first?.contains("<blockquote class=\"event-text\">Paczka nie dotarła.</blockquote>") == true,
            "the customer's message stands under its own heading")
        let documentPath = try #require(Browser.firstMatch(#"href="(/documents/[a-z2-7]+)""#, in: view.text))
        let document = try merchant.get(documentPath)
        #expect(document.status == 200)
        #expect(document.header("Content-Type") == "application/pdf")
        #expect(document.header("Content-Disposition")?.hasPrefix("attachment;") == true)
        #expect(document.header("X-Content-Type-Options") == "nosniff")
        #expect(document.body == World.pdf.bytes)

        let form = try merchant.get("/merchant/cases/\(caseID)/reply")
        #expect(form.text.contains("value=\"249.99\""), "amount prefilled with the order value in the merchant's locale (en)")
        let reply = try world.reply(merchant, caseID: caseID, refund: "yes", amount: "249.99", message: "Zwrot zlecony.")
        #expect(reply.status == 303)

        try stack.deliverMail()
        let replied = try #require(stack.mailbox.to("anna@example.com").last)
        #expect(replied.text.contains("249,99"))
        #expect(replied.text.contains("20 dni"))
        #expect(replied.text.contains("Zwrot zlecony."))
        // The emailed button signs her in at the answer form, even in a fresh browser.
        let fresh = stack.browser()
        let landing = try fresh.get(try #require(replied.firstLinkPath))
        #expect(landing.location == "/cases/\(caseID)")
        let answerForm = try fresh.get("/cases/\(caseID)")
        #expect(Browser.allMatches(#"name="answer" value="([a-z_]+)""#, in: answerForm.text) == ["refund_received", "refund_not_received"])

        let done = try world.answer(fresh, caseID: caseID, answer: "refund_received")
        #expect(done.status == 303)
        let closed = try fresh.get("/cases/\(caseID)")
        #expect(closed.text.contains("state-closed"))
        #expect(!closed.text.contains("name=\"answer\""), "a closed case offers no form")
        try stack.deliverMail()
        #expect(stack.mailbox.all().filter { $0.subject.contains("zamknięta") || $0.subject.contains("closed") }.count == 3,
                "the customer and both shop addresses are told")
    }

    @Test func variantBPartialRefundCanBeRefused() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("PL-2001", amount: "500.00")
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: protection, option: "refund_missing")
        let merchant = try world.merchant()
        #expect(try world.reply(merchant, caseID: caseID, refund: "yes_after_return", amount: "250,00").status == 303)
        let page = try anna.get("/cases/\(caseID)")
        #expect(Browser.allMatches(#"name="answer" value="([a-z_]+)""#, in: page.text) == ["refund_received", "refund_not_received", "partial_refused"])
        #expect(try world.answer(anna, caseID: caseID, answer: "partial_refused").status == 303)
        #expect(try anna.get("/cases/\(caseID)").text.contains("state-escalated"))
    }

    @Test func variantCNoRefundCanBeAcceptedOrDisputed() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let merchant = try world.merchant()
        var cases: [String] = []
        for number in ["PL-3001", "PL-3002"] {
            let protection = try world.registerOrder(number)
            let caseID = try world.openCase(anna, protection: protection)
            #expect(try world.reply(merchant, caseID: caseID, refund: "no", message: "Przesyłka jest w drodze.").status == 303)
            cases.append(caseID)
        }
        let page = try anna.get("/cases/\(cases[0])")
        #expect(Browser.allMatches(#"name="answer" value="([a-z_]+)""#, in: page.text) == ["accept", "disagree"])
        let wrongVariant = try anna.postMultipart("/cases/\(cases[0])/answer", [("answer", "refund_received")])
        #expect(wrongVariant.status == 422)
        #expect(wrongVariant.text.contains("field-error"))
        #expect(try world.answer(anna, caseID: cases[0], answer: "accept").status == 303)
        #expect(try anna.get("/cases/\(cases[0])").text.contains("state-closed"))
        #expect(try world.answer(anna, caseID: cases[1], answer: "disagree").status == 303)
        #expect(try anna.get("/cases/\(cases[1])").text.contains("state-escalated"))
    }

    @Test func documentsDownloadOnlyForThoseAllowed() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("PL-4001")
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: protection, files: [World.pdf])
        let path = try #require(Browser.firstMatch(#"href="(/documents/[a-z2-7]+)""#, in: try anna.get("/cases/\(caseID)").text))
        #expect(try anna.get(path).status == 200)
        #expect(try world.merchant().get(path).status == 200)
        #expect(try world.agent().get(path).status == 200)
        _ = try world.registerOrder("PL-4002", email: "john@example.com")
        let john = try world.customer("john@example.com")
        #expect(try john.get(path).status == 404)
        #expect(try john.get("/cases/\(caseID)").status == 404)
        let other = try stack.run(["admin", "create-shop", "--name", "Other", "--email", "other@shop.example"])
        let otherID = try #require((try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as? [String: String])?["id"])
        _ = try stack.run(["admin", "create-user", "--role", "merchant", "--shop", otherID, "--email", "m@other.example"],
                          stdin: world.password + "\n")
        let stranger = try world.staff("/merchant/login", "m@other.example")
        #expect(try stranger.get(path).status == 404)
        #expect(try stranger.get("/merchant/cases/\(caseID)").status == 404)
        let anonymous = try stack.browser().get(path)
        #expect(anonymous.status == 303)
        #expect(try stack.browser().get("/_documents/" + "aa/bb/cc").status == 404, "the store is internal to nginx")
    }

    @Test func badRepliesAreRefusedBesideTheirFieldsAndChangeNothing() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("PL-5001", amount: "100.00")
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: protection)
        try stack.deliverMail()
        let mailsBefore = stack.mailbox.all().count
        let merchant = try world.merchant()
        let cases: [(String, String, String, String)] = [
            ("", "10", "Message", "refund"), ("maybe", "10", "Message", "refund"), ("yes", "abc", "Message", "amount"),
            ("yes", "0", "Message", "amount"), ("yes", "-5", "Message", "amount"), ("yes", "100.01", "Message", "amount"),
            ("yes", "10.123", "Message", "amount"), ("yes", "", "Message", "amount"), ("yes", "10", "   ", "message"),
            ("no", "", "", "message"),
        ]
        for (refund, amount, message, field) in cases {
            let reply = try world.reply(merchant, caseID: caseID, refund: refund, amount: amount, message: message)
            #expect(reply.status == 422, "refund=\(refund) amount=\(amount)")
            #expect(reply.text.contains("id=\"\(field == "message" ? "message-reply" : field)-error\""), "error beside \(field)")
            if !amount.isEmpty { #expect(reply.text.contains("value=\"\(amount)\""), "what was typed is kept") }
        }
        #expect(try merchant.get("/merchant/cases/\(caseID)").text.contains("state-awaiting_merchant"))
        let waiting = try merchant.get("/merchant/cases").text
        #expect(waiting.contains("Waiting for the shop (1)"), "the filter counts the open case")
        #expect(waiting.contains("Waiting for your answer: 1"))
        try stack.deliverMail()
        #expect(stack.mailbox.all().count == mailsBefore, "no email for refused input")
        // Comma decimals and the full value are fine.
        #expect(try world.reply(merchant, caseID: caseID, refund: "yes", amount: "99,50").status == 303)
        let form = try merchant.get("/merchant/cases/\(caseID)/reply")
        #expect(form.status == 303, "the reply form is gone once replied")
        try merchant.get("/merchant/cases/\(caseID)")
        let again = try merchant.postMultipart("/merchant/cases/\(caseID)/reply", [("refund", "yes"), ("amount", "10"), ("message", "Again")])
        #expect(again.status == 409, "a second reply is refused: the case changed")
        #expect(again.text.contains("form-error"))
        #expect(try merchant.get("/merchant/cases/\(caseID)").text.contains("state-awaiting_customer"))
        // The list's counts come from the counters, moved by the reply in its transaction.
        let list = try merchant.get("/merchant/cases").text
        #expect(list.contains("Waiting for the customer (1)"))
        #expect(!list.contains("Waiting for the shop ("), "no case waits for the shop")
        #expect(!list.contains("Waiting for your answer:"), "a zero is not shown")
    }

    @Test func unacceptedFilesAndOversizedUploadsStoreNothing() throws {
        let stack = try Stack(environment: ["BP_MAX_FILE_MB": "1"])
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("PL-6001")
        let anna = try world.customer("anna@example.com")
        try anna.get("/protections/\(protection)")
        let exe = Browser.File(name: "invoice.pdf", contentType: "application/pdf", bytes: [0x4D, 0x5A, 0x90, 0x00, 0x03] + Array(repeating: 0, count: 100))
        let refused = try anna.postMultipart("/protections/\(protection)/feedback", [("option", "not_received"), ("message", "Typed text")], files: [exe])
        #expect(refused.status == 415)
        #expect(refused.text.contains("invoice.pdf"))
        #expect(refused.text.contains("Typed text"), "the message is kept")
        let big = Browser.File(name: "scan.pdf", contentType: "application/pdf", bytes: Array("%PDF-".utf8) + Array(repeating: 65, count: 1_200_000))
        try anna.get("/protections/\(protection)")
        let tooLarge = try anna.postMultipart("/protections/\(protection)/feedback", [("option", "not_received")], files: [big])
        #expect(tooLarge.status == 413)
        #expect(try anna.get("/protections/\(protection)").text.contains("name=\"option\""), "no case was opened")
        let stored = (try? FileManager.default.subpathsOfDirectory(atPath: stack.data + "/documents")) ?? []
        #expect(stored.filter { $0.count > 60 }.isEmpty, "no document stored")
        let incoming = (try? FileManager.default.contentsOfDirectory(atPath: stack.data + "/tmp/uploads")) ?? []
        #expect(incoming.isEmpty, "temporary uploads removed")
        let text = Browser.File(name: "notes.txt", contentType: "text/plain", bytes: Array("Zamówienie nr 6001 – brak paczki.\n".utf8))
        try anna.get("/protections/\(protection)")
        let ok = try anna.postMultipart("/protections/\(protection)/feedback", [("option", "not_received")], files: [text, World.pdf])
        #expect(ok.status == 303)
    }

    @Test func aDoubleSubmittedFeedbackOpensOneCase() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("PL-7001")
        let anna = try world.customer("anna@example.com")
        try anna.get("/protections/\(protection)")
        let token = try #require(anna.csrf())
        let first = try anna.postMultipart("/protections/\(protection)/feedback", [("option", "not_received")], csrf: token)
        let second = try anna.postMultipart("/protections/\(protection)/feedback", [("option", "not_received")], csrf: token)
        #expect(first.status == 303)
        #expect(second.status == 303)
        #expect(first.location?.prefix(33) == second.location?.prefix(33), "both lead to the same case")
        let merchant = try world.merchant()
        #expect(Browser.allMatches(#"href="/merchant/cases/([a-z2-7]{26})""#, in: try merchant.get("/merchant/cases").text).count == 1)
    }

    @Test func twoRepliesAtOnceExactlyOneWins() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("PL-8001")
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: protection)
        let one = try world.merchant(), two = try world.merchant()
        try one.get("/merchant/cases/\(caseID)/reply")
        try two.get("/merchant/cases/\(caseID)/reply")
        let tokens = [one.csrf()!, two.csrf()!]
        let browsers = [one, two]
        nonisolated(unsafe) var statuses = [Int](repeating: 0, count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let reply = try? browsers[i].postMultipart("/merchant/cases/\(caseID)/reply",
                                                       [("refund", i == 0 ? "yes" : "no"), ("amount", "249.99"), ("message", "Reply \(i)")],
                                                       csrf: tokens[i])
            statuses[i] = reply?.status ?? 0
        }
        #expect(statuses.sorted() == [303, 409], "one wins, the other is told the case changed: \(statuses)")
        let view = try one.get("/merchant/cases/\(caseID)")
        #expect(Browser.allMatches("event-merchant_replied", in: view.text).count == 1)
    }
}
