import Foundation
import Testing

/// SPEC §5 and §9 through the real stack: pages and emails entirely in the reader's
/// language, mail through a sendmail command, failures retried until delivered once.
@Suite(.serialized) struct LanguageAndMailTests {
    static let root = Stack.root

    static func catalog(_ locale: String) -> [String: String] {
        let data = FileManager.default.contents(atPath: "\(root)/Strings/\(locale).json") ?? Data()
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }

    /// Phrases of `foreign` (three words or more, not shared with `own`) found in `text`.
    static func foreignPhrases(in text: String, foreign: String, own: String) -> [String] {
        let mine = Set(catalog(own).values)
        let visible = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        return catalog(foreign).values.filter { phrase in
            !mine.contains(phrase) && !phrase.contains("{") && phrase.split(separator: " ").count >= 3 && visible.contains(phrase)
        }
    }

    @Test func aPolishCustomerReadsOnlyPolishAndAnEnglishMerchantOnlyEnglish() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let protection = try world.registerOrder("L-1", locale: "pl")
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: protection, files: [World.pdf])
        let merchant = try world.merchant()
        _ = try world.reply(merchant, caseID: caseID, refund: "yes", amount: "100.00", message: "Partial refund")
        try stack.deliverMail()
        for path in ["/account", "/protections/\(protection)", "/cases/\(caseID)"] {
            let page = try anna.get(path)
            #expect(page.text.contains("lang=\"pl\""), "\(path)")
            #expect(Self.foreignPhrases(in: page.text, foreign: "en", own: "pl").isEmpty, "\(path): \(Self.foreignPhrases(in: page.text, foreign: "en", own: "pl"))")
        }
        for mail in stack.mailbox.to("anna@example.com") {
            #expect(Self.foreignPhrases(in: mail.text + mail.html, foreign: "en", own: "pl").isEmpty, "\(mail.subject)")
        }
        for path in ["/merchant/cases", "/merchant/cases/\(caseID)", "/settings"] {
            let page = try merchant.get(path)
            #expect(page.text.contains("lang=\"en\""), "\(path)")
            #expect(Self.foreignPhrases(in: page.text, foreign: "pl", own: "en").isEmpty, "\(path): \(Self.foreignPhrases(in: page.text, foreign: "pl", own: "en"))")
        }
        for mail in stack.mailbox.to("orders@shop.example") {
            #expect(Self.foreignPhrases(in: mail.text + mail.html, foreign: "pl", own: "en").isEmpty, "\(mail.subject)")
        }
    }

    @Test func anyoneCanSwitchAndStaffChooseTheirOwnLanguage() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let visitor = stack.browser()
        #expect(try visitor.get("/?lang=de").text.contains("lang=\"de\""))
        #expect(try visitor.get("/login").text.contains("lang=\"de\""), "the choice sticks")
        let polishBrowser = stack.browser()
        polishBrowser.acceptLanguage = "pl-PL,pl;q=0.9,en;q=0.8"
        #expect(try polishBrowser.get("/").text.contains("lang=\"pl\""))
        try visitor.get("/")
        let switched = try visitor.post("/language", [("lang", "pl"), ("return_to", "/login?lang=de")])
        #expect(switched.location == "/login")
        #expect(try visitor.get("/login").text.contains("lang=\"pl\""))

        let merchant = try world.merchant()
        #expect(try merchant.get("/merchant/cases").text.contains("lang=\"en\""))
        try merchant.get("/settings")
        #expect(try merchant.post("/settings", [("locale", "de")]).status == 303)
        let fresh = try world.merchant()
        #expect(try fresh.get("/merchant/cases").text.contains("lang=\"de\""), "the setting is the staff member's own")
    }

    @Test func mailGoesThroughASendmailCommandAndFailuresAreRetriedUntilDeliveredOnce() throws {
        var template = Array("/tmp/bp-fake-sendmail-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template)!)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/sendmail"
        try """
        #!/bin/sh
        # Refuses the first two messages it is given, then keeps every message in a file.
        # Deliveries run side by side: count under a lock.
        exec 9> \(directory)/lock
        flock 9
        count=$(cat \(directory)/count 2>/dev/null || echo 0)
        echo $((count + 1)) > \(directory)/count
        if [ "$count" -lt 2 ]; then echo "421 try later" >&2; exit 75; fi
        cat > \(directory)/mail-$count.eml
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let stack = try Stack(environment: ["BP_MAIL_TRANSPORT": "sendmail", "BP_SENDMAIL": script + " -t -i"])
        defer { stack.stop() }
        let world = try World(stack: stack)
        _ = try world.registerOrder("M-1")
        let browser = stack.browser()
        try browser.get("/login")
        try browser.post("/login", [("email", "anna@example.com")])
        try browser.get("/login")
        try browser.post("/login", [("email", "anna@example.com")])
        let now = Date()
        var outputs: [String] = []
        for minutes in [0.05, 1.5, 5, 20] { outputs.append(try stack.tick(at: now + minutes * 60).stdout) }
        #expect(outputs[0].contains("retrying: 2"))
        let delivered = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".eml") }
        #expect(delivered.count == 2, "both messages arrive, each once: \(outputs)")
        let agent = try world.agent()
        let mailPage = try agent.get("/service/mail")
        #expect(mailPage.text.contains("Every message has been delivered"))
    }

    @Test func mailReachesARealSMTPServerThroughMsmtp() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/msmtp"),
              FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/aiosmtpd") else {
            Issue.record("msmtp and python3-aiosmtpd are installed by `make test`")
            return
        }
        var template = Array("/tmp/bp-smtp-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template)!)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let port = try Stack.freePort()
        let sink = Process()
        sink.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        sink.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", directory + "/maildir"]
        sink.standardOutput = FileHandle.nullDevice
        sink.standardError = FileHandle.nullDevice
        try sink.run()
        defer { kill(sink.processIdentifier, SIGKILL); sink.waitUntilExit() }
        let deadline = Date() + 10
        while !Stack.accepts(port: port) && Date() < deadline { usleep(50_000) }
        let command = "/usr/bin/msmtp --host=127.0.0.1 --port=\(port) --auth=off --tls=off --from=no-reply@bp.example -t -i"
        let stack = try Stack(environment: ["BP_MAIL_TRANSPORT": "sendmail", "BP_SENDMAIL": command])
        defer { stack.stop() }
        let world = try World(stack: stack)
        _ = try world.registerOrder("SMTP-1")
        let browser = stack.browser()
        try browser.get("/login")
        try browser.post("/login", [("email", "anna@example.com")])
        let output = try stack.tick(at: Date() + 2)
        #expect(output.stdout.contains("mail sent: 1"), "\(output.stdout) \(output.stderr)")
        let received = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/maildir/new")) ?? []
        #expect(received.count == 1)
        if let name = received.first {
            let mail = Mailbox.parse(try String(contentsOfFile: directory + "/maildir/new/" + name, encoding: .utf8), file: name)
            #expect(mail.to == "anna@example.com")
            #expect(mail.subject == "Twój link do logowania w Ochronie Kupującego", "the customer's language, encoded and decoded")
            #expect(mail.firstLinkPath?.hasPrefix("/login/") == true)
        }
    }
}

@Suite struct MailPageTests {
    /// An agent reads a delivered email on the mail page, without the token of its
    /// sign-in link; nobody else reaches the page.
    @Test func agentsReadAnEmailWithItsSignInTokenHidden() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let agent = try world.agent()
        let page = try agent.get("/service/mail")
        let href = try #require(Browser.firstMatch(#"<a href="(/service/mail/\d+)">"#, in: page.text))
        let message = try agent.get(href)
        #expect(message.status == 200)
        #expect(message.text.contains("anna@example.com"))
        #expect(message.text.contains("/login/…"), "the token is hidden")
        #expect(Browser.firstMatch(#"/login/([a-z2-7]{52})"#, in: message.text) == nil)
        #expect(try anna.get(href).status == 404)
        #expect(try world.merchant().get(href).status == 404)
        #expect(try agent.get("/service/mail/999999").status == 404)
    }
}
