import Foundation
import GRDB
import Store
import Testing

/// The walking skeleton through a real nginx: pages, headers, sign-in and out for every
/// role, CSRF, throttling, bad requests, shutdown.
@Suite(.serialized) struct FoundationTests {
    @Test func landingPageIsServedThroughNginxWithSecurityHeaders() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let page = try stack.browser().get("/")
        #expect(page.status == 200)
        #expect(page.text.contains("href=\"/login\""))
        #expect(page.text.contains("href=\"/merchant/login\""))
        #expect(page.text.contains("href=\"/service/login\""))
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
        #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        #expect(page.header("X-Content-Type-Options") == "nosniff")
        #expect(page.header("Referrer-Policy") == "same-origin")
        #expect(page.header("Server") == "nginx")
        let css = try stack.browser().get("/static/css/app.css")
        #expect(css.status == 200)
        #expect(css.header("Cache-Control")?.contains("max-age") == true)
        #expect(css.header("X-Content-Type-Options") == "nosniff")
    }

    @Test func merchantAndAgentSignInAndOut() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let merchant = try world.merchant()
        let cases = try merchant.get("/merchant/cases")
        #expect(cases.status == 200)
        #expect(cases.text.contains(world.merchantEmail))
        try merchant.post("/logout", [])
        let after = try merchant.get("/merchant/cases")
        #expect(after.status == 303)
        #expect(after.location?.hasPrefix("/merchant/login") == true)

        let agent = try world.agent()
        #expect(try agent.get("/service/queue").status == 200)
        #expect(try agent.get("/merchant/cases").status == 404, "an agent is not a merchant")
        #expect(try merchant.get("/service/queue").status == 303, "signed out: sent to sign in")
        try agent.post("/logout", [])
        #expect(try agent.get("/service/queue").status == 303)
    }

    @Test func signInIssuesAFreshSessionAndTheOldCookieIsWorthNothing() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let browser = stack.browser()
        try browser.get("/merchant/login")
        let before = browser.cookies["bp_session"]
        let reply = try browser.post("/merchant/login", [("email", world.merchantEmail), ("password", world.password)])
        #expect(reply.status == 303)
        let cookie = reply.headers("Set-Cookie").first ?? ""
        #expect(cookie.contains("HttpOnly"))
        #expect(cookie.contains("SameSite=Lax"))
        #expect(!cookie.contains("Secure"), "plain http base URL")
        #expect(browser.cookies["bp_session"] != before)
        let stranger = stack.browser()
        stranger.cookies["bp_session"] = before
        #expect(try stranger.get("/merchant/cases").status == 303)
    }

    @Test func wrongPasswordsAreRefusedAndThrottledAfterTen() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let browser = stack.browser()
        try browser.get("/merchant/login")
        for _ in 0..<10 {
            let reply = try browser.post("/merchant/login", [("email", world.merchantEmail), ("password", "wrong password")])
            #expect(reply.status == 401)
            #expect(reply.text.contains("not right"))
        }
        let blocked = try browser.post("/merchant/login", [("email", world.merchantEmail), ("password", world.password)])
        #expect(blocked.status == 429)
        #expect(blocked.header("Retry-After") != nil)
    }

    @Test func customerSignsInWithTheSingleUseLinkFromTheMaildir() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        _ = try world.registerOrder("A-1")
        let unknown = stack.browser()
        try unknown.get("/login")
        let answer = try unknown.post("/login", [("email", "nobody@example.com")])
        #expect(answer.status == 200, "the same answer for unknown addresses")

        let browser = stack.browser()
        try browser.get("/login")
        let sent = try browser.post("/login", [("email", "Anna@Example.com")])
        #expect(sent.status == 200)
        #expect(sent.text == answer.text.replacingOccurrences(of: "nobody@example.com", with: "Anna@Example.com")
                || sent.text.contains("<h1>"), "check-your-email page")
        try stack.deliverMail()
        let mail = try #require(stack.mailbox.to("anna@example.com").last)
        #expect(mail.html.contains("<a href=\"http://127.0.0.1:\(stack.port)/login/"))
        let path = try #require(mail.firstLinkPath)
        let signedIn = try browser.get(path)
        #expect(signedIn.status == 303)
        #expect(signedIn.location == "/account")
        let account = try browser.get("/account")
        #expect(account.status == 200)
        #expect(account.text.contains("A-1"))

        let again = try stack.browser().get(path)
        #expect(again.status == 410, "a sign-in link works once")
    }

    @Test func nextOnlyEverRedirectsToAPathOnThisSite() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        for (next, expected) in [("/merchant/cases?state=closed", "/merchant/cases?state=closed"), ("//evil.example/x", "/merchant/cases"),
                                 ("https://evil.example/", "/merchant/cases"), ("/\\evil.example", "/merchant/cases")] {
            let browser = stack.browser()
            try browser.get("/merchant/login?next=x")
            let reply = try browser.post("/merchant/login", [("email", world.merchantEmail), ("password", world.password), ("next", next)])
            #expect(reply.status == 303)
            #expect(reply.location == expected, "next=\(next)")
        }
    }

    @Test func postWithoutAValidCSRFTokenGets403AndChangesNothing() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let browser = stack.browser()
        try browser.get("/merchant/login")
        let missing = try browser.post("/merchant/login", [("email", world.merchantEmail), ("password", world.password)], withCSRF: false)
        #expect(missing.status == 403)
        #expect(missing.text.contains("expired"))
        let forged = try browser.post("/merchant/login", [("email", world.merchantEmail), ("password", world.password)],
                                      csrf: String(repeating: "a", count: 64))
        #expect(forged.status == 403)
        let noCookie = stack.browser()
        let withoutSession = try noCookie.post("/login", [("email", "anna@example.com")], csrf: browser.csrf())
        #expect(withoutSession.status == 403, "a token is bound to its session cookie")
        #expect(try browser.get("/merchant/cases").status == 303, "not signed in")
        try stack.deliverMail()
        #expect(stack.mailbox.all().isEmpty, "no sign-in mail was sent")
    }

    @Test func badRequestsGetFourHundredsAndTheServerGoesOn() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let browser = stack.browser()
        #expect(try browser.get("/no/such/page").status == 404)
        #expect(try browser.get("/cases/NOT-AN-ID").status == 404)
        #expect(try browser.request("DELETE", "/", headers: [], body: []).status == 405)
        #expect(try browser.request("PUT", "/login", headers: [], body: []).status == 405)
        try browser.get("/login")
        let token = try #require(browser.csrf())
        let badEncoding = try browser.request("POST", "/login", headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                              body: Array("csrf=\(token)&email=%ZZ%".utf8))
        #expect(badEncoding.status == 400)
        let badMultipart = try browser.request("POST", "/login", headers: [("Content-Type", "multipart/form-data; boundary=xyz")],
                                               body: Array("--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(token)\r\n--xyz\r\nbroken".utf8))
        #expect((400...499).contains(badMultipart.status))
        // A byte over 127 in a part's header name once crashed the multipart parser (found by fuzzing).
        let trap = try browser.request("POST", "/login", headers: [("Content-Type", "multipart/form-data; boundary=xyz")],
                                       body: Array("--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(token)\r\n--xyz\r\nCont".utf8)
                                           + [0xFF] + Array(": x\r\n\r\nx\r\n--xyz--\r\n".utf8))
        #expect(trap.status == 400)
        let noBoundary = try browser.request("POST", "/login", headers: [("Content-Type", "multipart/form-data")], body: Array("x".utf8))
        #expect(noBoundary.status == 400)
        // A form must end with its closing boundary, "--" and all (MultipartSplitter).
        let form = "--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(token)\r\n--xyz\r\n"
            + "Content-Disposition: form-data; name=\"email\"\r\n\r\nanna@example.com\r\n--xyz"
        for cut in [form, form + "-", form + "-x"] {
            let reply = try browser.request("POST", "/login", headers: [("Content-Type", "multipart/form-data; boundary=xyz")], body: Array(cut.utf8))
            #expect(reply.status == 400, "a form cut short: \(cut.suffix(8))")
        }
        let whole = try browser.request("POST", "/login", headers: [("Content-Type", "multipart/form-data; boundary=xyz")],
                                        body: Array((form + "--\r\n").utf8))
        #expect(whole.status == 200, "the same form, whole, is taken")
        // An answer over libfcgi's 8 KB buffer goes out as FastCGI records in one write:
        // whole for GET, its head alone for HEAD.
        let big = try browser.get("/api/docs")
        #expect(big.status == 200 && big.body.count > 8_192, "\(big.body.count) bytes")
        #expect(big.text.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</html>"), "the whole page")
        #expect(big.header("Content-Length") == String(big.body.count))
        let head = try browser.request("HEAD", "/api/docs", headers: [], body: [])
        #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Length") == String(big.body.count))
        browser.cookies["bp_session"] = "'; DROP TABLE sessions; --"
        browser.cookies["bp_lang"] = "\u{1F600}"
        #expect(try browser.get("/").status == 200, "bad cookies are ignored")
        let hugeHeader = try browser.request("GET", "/", headers: [("X-Big", String(repeating: "a", count: 40_000))], body: [])
        #expect((400...499).contains(hugeHeader.status))
        let invalidUTF8Path = try HTTPClient.send(port: stack.port, raw: Array("GET /cases/\u{00FF}%FF HTTP/1.0\r\n\r\n".utf8))
        #expect(invalidUTF8Path.status == 404)
        #expect(try stack.browser().get("/").status == 200, "still serving")
    }

    @Test func anErrorInOneRequestIsA500PageAndTheNextRequestIsServed() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let agent = try world.agent()
        #expect(try agent.get("/service/queue").status == 200)
        // Break the database under the running server.
        let database = try AppDatabase(path: stack.data + "/bp.sqlite")
        try database.write { db in try db.execute(sql: "DROP TABLE sessions") }
        let broken = try agent.get("/service/queue")
        #expect(broken.status == 500)
        #expect(broken.text.contains("Something went wrong on our side"))
        #expect(!broken.text.contains("sessions"), "no SQL shown to a user")
        let api = try world.api("POST", "/api/v1/protections", json: "{}", headers: [("Idempotency-Key", "k")])
        #expect(api.status == 422 || api.status == 500)
        #expect(try stack.browser().get("/").status == 200, "the next request is served")
        let log = try String(contentsOfFile: stack.data + "/serve.log", encoding: .utf8)
        #expect(log.contains("request failed"), "and a log line says why")
    }

    @Test func sigtermLetsTheServerFinishAndExitZero() throws {
        let stack = try Stack()
        defer { stack.stop() }
        #expect(try stack.browser().get("/").status == 200)
        #expect(stack.stopServe() == 0)
        #expect(!FileManager.default.fileExists(atPath: stack.data + "/run/bp.sock"))
    }

    @Test func adminCommandsRefuseBadArguments() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let badEmail = try stack.run(["admin", "create-shop", "--name", "X", "--email", "not-an-email"])
        #expect(badEmail.status != 0)
        #expect(badEmail.stderr.contains("not an email address"))
        let badCurrency = try stack.run(["admin", "create-shop", "--name", "X", "--email", "a@b.pl", "--currency", "XYZ"])
        #expect(badCurrency.status != 0)
        #expect(badCurrency.stderr.contains("ISO 4217"))
        let shortPassword = try stack.run(["admin", "create-user", "--role", "agent", "--email", "a@b.pl"], stdin: "short\n")
        #expect(shortPassword.status != 0)
        #expect(shortPassword.stderr.contains("at least 12"))
        let noShop = try stack.run(["admin", "create-user", "--role", "merchant", "--email", "a@b.pl"], stdin: "long enough password\n")
        #expect(noShop.status != 0)
        let badRole = try stack.run(["admin", "create-user", "--role", "king", "--email", "a@b.pl"], stdin: "long enough password\n")
        #expect(badRole.status != 0)
        let shop = try stack.run(["admin", "create-shop", "--name", "Fine", "--email", "a@b.pl,c@d.pl"])
        #expect(shop.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(shop.stdout.utf8)) as? [String: String]
        #expect(json?["id"]?.count == 26)
        #expect(json?["api_key"]?.hasPrefix("bpk_") == true)
        let badTime = try stack.run(["tick", "--at", "next tuesday"])
        #expect(badTime.status == 2)
        #expect(badTime.stderr.contains("ISO 8601"))
        for country in ["POL", "P1", ""] {
            let badCountry = try stack.run(["admin", "create-shop", "--name", "X", "--email", "a@b.pl", "--country", country])
            #expect(badCountry.status != 0)
            #expect(badCountry.stderr.contains("two-letter ISO 3166"), "--country \(country)")
        }
        // Settings that would change the disputes' rules are refused, not guessed at.
        for (name, value, message) in [
            ("BP_DEADLINE_CALENDAR", "weekdays", "calendar or business"),
            ("BP_PAYOUT_APPROVAL_ABOVE", "1.000,00", "an amount like 1000.00"),
            ("BP_PAYOUT_APPROVAL_ABOVE", "-5", "an amount like 1000.00"), ("BP_RETURN_DAYS", "0", "BP_RETURN_DAYS"),
            ("BP_APPEAL_DAYS", "x", "BP_APPEAL_DAYS"), ("BP_METRICS_TOKEN", "short", "at least 16"),
        ] {
            var env = stack.environment
            env[name] = value
            let refused = try Stack.capture(Stack.bp, ["tick"], env: env)
            #expect(refused.status != 0, "\(name)=\(value)")
            #expect(refused.stderr.contains(message), "\(name)=\(value): \(refused.stderr)")
        }
    }

    @Test func demoSeedsEveryStateAndPrintsHowToSignIn() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let demo = try stack.run(["demo"])
        #expect(demo.status == 0)
        #expect(demo.stdout.contains("merchant@demo-shop.example"))
        #expect(demo.stdout.contains("agent@buyer-protection.example"))
        let merchant = stack.browser()
        try merchant.get("/merchant/login")
        #expect(try merchant.post("/merchant/login", [("email", "merchant@demo-shop.example"), ("password", "demo-password")]).status == 303)
        let list = try merchant.get("/merchant/cases")
        for state in ["awaiting_merchant", "awaiting_customer", "escalated", "closed"] {
            #expect(list.text.contains("state-\(state)"), "a case in \(state)")
        }
        #expect(try stack.run(["demo"]).stdout.contains("already"))
    }
}
