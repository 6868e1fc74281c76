import Foundation
import GRDB
import Testing

/// Replies by email through `bp mail-in`, read back through nginx: the shop answers the
/// service team's document request by replying with a PDF (from Polish Outlook, in
/// Windows-1250, quoted-printable), the customer answers the day-23 email, forged and
/// automatic mail changes nothing, the same message twice is posted once, and bad
/// messages get the exit codes MTAs understand.
@Suite struct MailInTests {
    static let domain = "reply.shop-protection.example"

    static func stack() throws -> Stack { try Stack(environment: ["BP_MAIL_DOMAIN": domain]) }

    /// A case the service team mediates (the customer disputed the shop's "no").
    static func escalatedCase(_ world: World) throws -> (caseID: String, customer: Browser, merchant: Browser) {
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder("M-1", amount: "300.00"), message: "Brak paczki")
        let merchant = try world.merchant()
        #expect(try world.reply(merchant, caseID: caseID, refund: "no", message: "Doręczono").status == 303)
        #expect(try world.answer(anna, caseID: caseID, answer: "disagree", message: "Nieprawda").status == 303)
        return (caseID, anna, merchant)
    }

    static func replyTo(_ mail: Mailbox.Mail) throws -> String {
        let header = try #require(mail.headers["reply-to"])
        #expect(header.hasPrefix("case+") && header.hasSuffix("@" + domain), "\(header)")
        return header
    }

    static func mailIn(_ stack: Stack, _ message: String, recipient: String? = nil) throws -> Stack.Output {
        try stack.run(["mail-in"] + (recipient.map { ["--recipient", $0] } ?? []), stdin: message)
    }

    /// Polish Outlook: Windows-1250 quoted-printable text with its header block, and a PDF.
    static func outlookReply(from: String, to: String, messageID: String, pdf: String) -> String {
        // "Dzień dobry, w załączniku dowód doręczenia." in Windows-1250: ń=F1, ł=B3, ą=B9, ó=F3, ę=EA.
        """
        From: Jan Kowalski <\(from)>
        To: Buyer Protection <\(to)>
        Subject: =?windows-1250?Q?RE:_Sprawa_#1:_prosimy_o_dokumenty?=
        Message-ID: \(messageID)
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="----=_NextPart_000_0001"

        This is a multi-part message in MIME format.

        ------=_NextPart_000_0001
        Content-Type: text/plain; charset="windows-1250"
        Content-Transfer-Encoding: quoted-printable

        Dzie=F1 dobry,
        w za=B3=B9czniku dow=F3d dor=EAczenia.

        Pozdrawiam
        Jan

        ________________________________
        Od: Buyer Protection <no-reply@buyer-protection.local>
        Wys=B3ane: poniedzia=B3ek, 1 grudnia 2026 10:00
        Do: orders@shop.example
        Temat: Sprawa #1: prosimy o dokumenty

        Zesp=F3=B3 obs=B3ugi prosi o dokumenty. CYTAT-ORYGINALU

        ------=_NextPart_000_0001
        Content-Type: application/pdf; name="dowod doreczenia.pdf"
        Content-Disposition: attachment; filename="dowod doreczenia.pdf"
        Content-Transfer-Encoding: base64

        \(Data(pdf.utf8).base64EncodedString(options: .lineLength76Characters))

        ------=_NextPart_000_0001--
        """
    }

    @Test func theShopAnswersADocumentRequestByReplyingWithAPDF() throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let (caseID, customer, merchant) = try Self.escalatedCase(world)
        let agent = try world.agent()
        try agent.get("/service/cases/\(caseID)")
        #expect(try agent.post("/service/cases/\(caseID)/request-documents", [("from", "merchant"), ("text", "Prosimy o dowód")]).status == 303)
        try stack.deliverMail()
        let request = try #require(stack.mailbox.to("orders@shop.example").last { $0.text.contains("Prosimy o dowód") })
        let address = try Self.replyTo(request)
        #expect(!address.contains("no-reply"))

        let pdf = "%PDF-1.5\ndelivery proof\n"
        let reply = Self.outlookReply(from: "orders@shop.example", to: address, messageID: "<outlook-1@shop.example>", pdf: pdf)
        let taken = try Self.mailIn(stack, reply)
        #expect(taken.status == 0, "\(taken.stderr)")
        let view = try agent.get("/service/cases/\(caseID)")
        #expect(view.text.contains("Dzień dobry,\nw załączniku dowód doręczenia."), "only the new text, in its charset")
        #expect(view.text.contains("Pozdrawiam"))
        #expect(!view.text.contains("CYTAT-ORYGINALU") && !view.text.contains("Wysłane:"), "the quoted history is cut")
        #expect(view.text.contains("dowod doreczenia.pdf"))
        #expect(!(try agent.get("/service/queue").text.contains("Waiting for documents")), "the request is answered")
        #expect(try merchant.get("/merchant/cases/\(caseID)").text.contains("dowod doreczenia.pdf"))
        // The document is the PDF that was attached, served through nginx.
        let link = try #require(Browser.firstMatch(#"href="(/documents/[a-z2-7]{26})"[^>]*>dowod doreczenia\.pdf"#, in: view.text))
        #expect(try agent.get(link).text == pdf)

        // The same message again (the MTA retried): posted once.
        #expect(try Self.mailIn(stack, reply).status == 0)
        let again = try agent.get("/service/cases/\(caseID)")
        #expect(again.text.components(separatedBy: "w załączniku dowód doręczenia").count == 2)

        // A forged From with the right address: for the service team, nothing posted.
        let forged = Self.outlookReply(from: "someone@evil.example", to: address, messageID: "<forged@evil.example>", pdf: pdf)
            .replacingOccurrences(of: "dow=F3d dor=EAczenia", with: "FORGED-TEXT")
        #expect(try Self.mailIn(stack, forged).status == 0)
        #expect(!(try agent.get("/service/cases/\(caseID)").text.contains("FORGED-TEXT")))
        let queue = try agent.get("/service/queue")
        #expect(queue.text.contains("Unverified reply"))
        #expect(queue.text.contains("someone@evil.example"))
        #expect(queue.text.contains("FORGED-TEXT"))
        let done = try #require(Browser.firstMatch(#"action="(/service/mail-replies/\d+/done)""#, in: queue.text))
        #expect(try agent.post(done, []).location == "/service/queue?done=mail_reply_done")
        #expect(!(try agent.get("/service/queue").text.contains("someone@evil.example")))
        #expect(!(try customer.get("/cases/\(caseID)").text.contains("FORGED-TEXT")))

        // An out-of-office answer: dropped, not posted, not queued, not answered.
        let away = """
            From: orders@shop.example
            To: \(address)
            Subject: Automatic reply: Sprawa #1
            Auto-Submitted: auto-replied
            Message-ID: <oof-1@shop.example>

            I am away until Monday.
            """
        let before = stack.mailbox.all().count
        let dropped = try Self.mailIn(stack, away)
        #expect(dropped.status == 0)
        #expect(!(try agent.get("/service/cases/\(caseID)").text.contains("away until Monday")))
        #expect(!(try agent.get("/service/queue").text.contains("away until Monday")))
        try stack.deliverMail()
        #expect(stack.mailbox.all().count == before)
    }

    @Test func theCustomersReplyToTheDay23EmailOpensAnInquiry() throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        _ = try world.registerOrder("D23-1", email: "ewa@example.com")
        try stack.tick(at: Date() + 23 * 86_400 + 60)
        let question = try #require(stack.mailbox.to("ewa@example.com").last)
        let address = try Self.replyTo(question)
        let reply = """
            From: Ewa <EWA@example.com>
            To: \(address)
            Subject: Re: \(question.subject)
            Message-ID: <d23@example.com>
            Content-Type: text/plain; charset=utf-8

            Paczka przyszła, ale brakuje instrukcji.

            W dniu 1.12.2026 o 10:00, Buyer Protection pisze:
            > Jak poszło zamówienie?
            """
        let taken = try Self.mailIn(stack, reply)
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.stderr.contains("opened inquiry"))
        let agent = try world.agent()
        let queue = try agent.get("/service/queue")
        let caseLink = try #require(Browser.firstMatch(#"href="(/service/cases/[a-z2-7]{26})""#, in: queue.text))
        let inquiry = try agent.get(caseLink)
        #expect(inquiry.text.contains("Paczka przyszła, ale brakuje instrukcji."))
        #expect(!inquiry.text.contains("Jak poszło"))
        let ewa = try world.customer("ewa@example.com")
        #expect(try ewa.get("/account").text.contains("D23-1"))
    }

    @Test func aReplyThatNeedsTheFormIsKeptAndAnsweredAtMostFiveTimesAnHour() throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder("K-1"), message: "Nie dotarło")
        try stack.deliverMail()
        let opened = try #require(stack.mailbox.to("orders@shop.example").last)
        let address = try Self.replyTo(opened)
        for n in 1...7 {
            let reply = """
                From: staff@shop.example
                To: \(address)
                Subject: Re: \(opened.subject)
                Message-ID: <keep-\(n)@shop.example>

                We will refund, number \(n).
                """
            let kept = try Self.mailIn(stack, reply)
            #expect(kept.status == 0, "\(kept.stderr)")
        }
        let merchant = try world.merchant()
        let page = try merchant.get("/merchant/cases/\(caseID)")
        #expect(page.text.contains("We will refund, number 1."))
        #expect(page.text.contains("event-email_reply"))
        #expect(page.text.contains("href=\"/merchant/cases/\(caseID)/reply\""), "the case still waits for the shop's answer")
        #expect(!(try anna.get("/cases/\(caseID)").text.contains("We will refund")), "the shop's informal words are not its answer")
        try stack.deliverMail()
        let answers = stack.mailbox.to("staff@shop.example").filter { $0.subject.contains("your email is on the case") }
        #expect(answers.count == 5, "the loop guard")
        #expect(answers.first?.firstLinkPath == "/merchant/cases/\(caseID)")
    }

    @Test func badMessagesGetTheExitCodesMTAsUnderstand() throws {
        let stack = try Self.stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        _ = try world.openCase(anna, protection: try world.registerOrder("B-1"), message: "Nie dotarło")
        try stack.deliverMail()
        let address = try Self.replyTo(try #require(stack.mailbox.to("anna@example.com").last))
        func message(to: String, body: String = "Hello", headers: String = "") -> String {
            "From: anna@example.com\nTo: \(to)\nSubject: Re\nMessage-ID: <\(UUID().uuidString)@example.com>\n\(headers)\n\(body)\n"
        }
        // Unknown or tampered addresses: 67.
        #expect(try Self.mailIn(stack, message(to: "someone@" + Self.domain)).status == 67)
        let tampered = address.replacingOccurrences(of: "case+c", with: "case+m")
        #expect(try Self.mailIn(stack, message(to: tampered)).status == 67)
        // The envelope recipient counts even when the To does not name it.
        #expect(try Self.mailIn(stack, message(to: "undisclosed-recipients:;"), recipient: address).status == 0)
        // No text of its own, an unknown charset, a forwarded message, a 1 MB header, too deep: 65.
        let refusals = [
            message(to: address, body: "> only a quote\n"),
            message(to: address, headers: "Content-Type: text/plain; charset=x-unknown\n"),
            message(
                to: address, body: "--b\nContent-Type: message/rfc822\n\nFrom: x@y\n\nold\n--b--",
                headers: "Content-Type: multipart/mixed; boundary=b\n"),
            message(to: address, headers: "X-Big: " + String(repeating: "x", count: 1_048_576) + "\n"),
            message(
                to: address, body: (0..<50).map { "--b\($0)x\nContent-Type: multipart/mixed; boundary=b\($0 + 1)x\n\n" }.joined() + "deep\n",
                headers: "Content-Type: multipart/mixed; boundary=b0x\n"),
        ]
        for raw in refusals {
            let refused = try Self.mailIn(stack, raw)
            #expect(refused.status == 65, "\(raw.prefix(200))")
            #expect(refused.stderr.contains("refused:"))
        }
        // A 60 MB message is refused before it is read whole.
        // (From a file, as an MTA streams it: bp stops reading past its limit.)
        let file = stack.data + "/huge.eml"
        try Data(message(to: address, body: String(repeating: "0123456789abcdef\n", count: 60 * 1_048_576 / 17)).utf8)
            .write(to: URL(fileURLWithPath: file))
        let tooLarge = try Stack.capture("/bin/sh", ["-c", "exec \"$0\" mail-in < \"$1\"", Stack.bp, file], env: stack.environment)
        #expect(tooLarge.status == 65)
        #expect(tooLarge.stderr.contains("larger than"))
        // The database busy past its timeout: 75, try later.
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true  // held open across the mail-in run
        let database = try DatabaseQueue(path: stack.data + "/bp.sqlite", configuration: configuration)
        try database.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        let busy = try Self.mailIn(stack, message(to: address))
        try database.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        #expect(busy.status == 75, "\(busy.stderr)")
        // And the next message is handled.
        #expect(try Self.mailIn(stack, message(to: address, body: "Still here")).status == 0)
    }
}
