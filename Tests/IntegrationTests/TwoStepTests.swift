import Crypto
import Foundation
import GRDB
import Testing

/// Two-step sign-in through nginx with the product's default `BP_REQUIRE_2FA=agents`:
/// an agent is sent to set it up first, sets it up from the secret the page shows, signs
/// in with a code (a replayed one is refused), uses a recovery code once; a merchant
/// turns it on and off; an admin resets it for someone who lost their phone.
@Suite struct TwoStepTests {
    /// The tests' own RFC 6238 code (HMAC-SHA1, 30 s, 6 digits), apart from the product's.
    static func code(_ secret: [UInt8], step: Int64) -> String {
        let counter = withUnsafeBytes(of: UInt64(step).bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: SymmetricKey(data: secret)))
        let offset = Int(mac[19] & 0x0f)
        let value = (Int(mac[offset] & 0x7f) << 24 | Int(mac[offset + 1]) << 16 | Int(mac[offset + 2]) << 8 | Int(mac[offset + 3]))
            % 1_000_000
        return String(format: "%06d", value)
    }

    static var step: Int64 { Int64(Date().timeIntervalSince1970 / 30) }

    static func base32Decode(_ text: String) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text where character != " " {
            buffer = (buffer << 5 | alphabet.firstIndex(of: character)!) & 0xFFFF
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }

    /// Sets two-step sign-in up for a signed-in browser; returns the secret and the codes.
    static func setUp(_ browser: Browser) throws -> (secret: [UInt8], recovery: [String], step: Int64) {
        try browser.get("/settings/two-step")
        let started = try browser.post("/settings/two-step", [("do", "start")])
        #expect(started.status == 303)
        let page = try browser.get("/settings/two-step")
        #expect(page.text.contains("<svg class=\"qr\""))
        #expect(page.text.contains("<path d=\"M4,4h7v1h-7z"), "the QR code starts with its top-left finder pattern")
        let shown = try #require(Browser.firstMatch(#"<code id="totp-secret">([A-Z2-7 ]+)</code>"#, in: page.text))
        let secret = base32Decode(shown)
        #expect(secret.count == 20)
        // A wrong code is refused beside the field and nothing turns on.
        let wrong = try browser.post("/settings/two-step", [("do", "confirm"), ("code", code(secret, step: step + 5))])
        #expect(wrong.status == 422)
        #expect(wrong.text.contains("That code is not right"))
        #expect(wrong.text.contains(#"id="code-error""#))
        let confirmStep = step
        let confirmed = try browser.post("/settings/two-step", [("do", "confirm"), ("code", code(secret, step: confirmStep))])
        #expect(confirmed.status == 200)
        let recovery = Browser.allMatches(#"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>"#, in: confirmed.text)
        #expect(recovery.count == 10)
        #expect(Set(recovery).count == 10)
        return (secret, recovery, confirmStep)
    }

    /// Password, then the code form; returns the browser and the code form's answer.
    static func signIn(_ stack: Stack, _ login: String, _ email: String, password: String, code: String) throws -> (Browser, HTTPReply) {
        let browser = stack.browser()
        try browser.get(login)
        let first = try browser.post(login, [("email", email), ("password", password), ("next", "/service/queue")])
        #expect(first.status == 303)
        #expect(first.location?.hasPrefix(login + "/code") == true)
        #expect(browser.cookies["bp_2fa"] != nil)
        let form = try browser.follow(first)
        #expect(form.status == 200)
        #expect(form.text.contains(#"autocomplete="one-time-code""#))
        return (browser, try browser.post(login + "/code", [("code", code), ("next", "/service/queue")]))
    }

    @Test func anAgentSetsItUpFirstThenSignsInWithACodeThatCountsOnce() throws {
        let stack = try Stack(environment: ["BP_REQUIRE_2FA": "agents"])
        defer { stack.stop() }
        let world = try World(stack: stack)
        let agent = try world.agent()
        // Required and not set up: every page leads to the setup.
        for path in ["/service", "/service/queue", "/settings"] {
            let reply = try agent.get(path)
            #expect(reply.status == 303, "\(path)")
            #expect(reply.location == "/settings/two-step", "\(path)")
        }
        let notice = try agent.get("/settings/two-step")
        #expect(notice.text.contains("must have two-step sign-in before you continue"))
        #expect(try agent.post("/settings/sessions", [("session", "others")]).location == "/settings/two-step")
        // Merchants are not required to: the merchant's pages open.
        #expect(try world.merchant().get("/merchant/cases").status == 200)

        let (secret, recovery, confirmStep) = try Self.setUp(agent)
        #expect(try agent.get("/service").status == 200, "set up, the product opens")
        // The secret is sealed at rest: the database holds neither it nor its base32.
        let database = try DatabaseQueue(path: stack.data + "/bp.sqlite")
        let sealed = try database.read { db in try Data.fetchOne(db, sql: "SELECT sealed_secret FROM totp_credentials")! }
        #expect(sealed.count == 12 + 20 + 16)
        #expect(sealed.range(of: Data(secret)) == nil)
        let storedCodes = try database.read { db in try String.fetchAll(db, sql: "SELECT code_hash FROM recovery_codes") }
        #expect(storedCodes.count == 10 && !storedCodes.contains { recovery.contains($0) })

        // Sign in: the password alone makes no session.
        let halfway = stack.browser()
        try halfway.get("/service/login")
        let password = try halfway.post("/service/login", [("email", world.agentEmail), ("password", world.password)])
        #expect(password.location == "/service/login/code")
        #expect(try halfway.get("/service").status == 303)
        try halfway.get("/service/login/code")
        let wrong = try halfway.post("/service/login/code", [("code", "000000")])
        #expect(wrong.status == 401)
        #expect(wrong.text.contains("That code is not right"))
        // The code that confirmed the setup is spent; the next step's code signs in.
        let used = try halfway.post("/service/login/code", [("code", Self.code(secret, step: confirmStep))])
        #expect(used.status == 401)
        #expect(used.text.contains("already used"))
        let fresh = Self.code(secret, step: confirmStep + 1)
        let signedIn = try halfway.post("/service/login/code", [("code", fresh), ("next", "/service/queue")])
        #expect(signedIn.status == 303)
        #expect(signedIn.location == "/service/queue")
        #expect(halfway.cookies["bp_2fa"] == nil, "the waiting sign-in's cookie is cleared")
        #expect(try halfway.get("/service/queue").status == 200)
        // The same code again, on another sign-in: refused.
        let (_, replayed) = try Self.signIn(stack, "/service/login", world.agentEmail, password: world.password, code: fresh)
        #expect(replayed.status == 401)
        #expect(replayed.text.contains("already used"))

        // A recovery code signs in once.
        let (rescued, withRecovery) = try Self.signIn(
            stack, "/service/login", world.agentEmail, password: world.password, code: recovery[3].uppercased())
        #expect(withRecovery.status == 303)
        #expect(try rescued.get("/service").status == 200)
        let (_, again) = try Self.signIn(stack, "/service/login", world.agentEmail, password: world.password, code: recovery[3])
        #expect(again.status == 401)
        let left = try rescued.get("/settings/two-step")
        #expect(left.text.contains("9 unused recovery codes left"))

        // Required for agents: it cannot be turned off; new recovery codes need the password.
        let off = try rescued.post("/settings/two-step", [("do", "off"), ("current_password", world.password)])
        #expect(off.status == 409)
        #expect(off.text.contains("cannot be turned off"))
        #expect(!left.text.contains(#"value="off""#))
        let badRenew = try rescued.post("/settings/two-step", [("do", "renew"), ("current_password", "not the password")])
        #expect(badRenew.status == 422)
        #expect(badRenew.text.contains("not your current password"))
        let renewed = try rescued.post("/settings/two-step", [("do", "renew"), ("current_password", world.password)])
        let newCodes = Browser.allMatches(#"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>"#, in: renewed.text)
        #expect(newCodes.count == 10)
        let (_, oldCode) = try Self.signIn(stack, "/service/login", world.agentEmail, password: world.password, code: recovery[0])
        #expect(oldCode.status == 401, "the old recovery codes stopped")

        // A wrong password still fails at the first step, with no waiting sign-in.
        let stranger = stack.browser()
        try stranger.get("/service/login")
        #expect(try stranger.post("/service/login", [("email", world.agentEmail), ("password", "guess guess guess")]).status == 401)
        #expect(stranger.cookies["bp_2fa"] == nil)
        // No waiting sign-in, or a made-up one: back to the password.
        #expect(try stranger.get("/service/login/code").location == "/service/login")
        stranger.cookies["bp_2fa"] = String(repeating: "a", count: 52)
        try stranger.get("/service/login")
        let madeUp = try stranger.post("/service/login/code", [("code", Self.code(secret, step: Self.step))])
        #expect(madeUp.location == "/service/login?done=sign_in_expired")
    }

    @Test func wrongCodesAreThrottledLikePasswords() throws {
        let stack = try Stack(environment: ["BP_REQUIRE_2FA": "agents"])
        defer { stack.stop() }
        let world = try World(stack: stack)
        let (secret, _, confirmStep) = try Self.setUp(try world.agent())
        let (browser, first) = try Self.signIn(stack, "/service/login", world.agentEmail, password: world.password, code: "111111")
        #expect(first.status == 401)
        var last = first
        for _ in 0..<10 { last = try browser.post("/service/login/code", [("code", "222222")]) }
        #expect(last.status == 429)
        // Even the right code waits now.
        let right = try browser.post("/service/login/code", [("code", Self.code(secret, step: confirmStep + 1))])
        #expect(right.status == 429)
        #expect(try browser.get("/service").status == 303)
    }

    @Test func aMerchantTurnsItOnAndOffAndAnAdminResetsALostOne() throws {
        let stack = try Stack(environment: ["BP_REQUIRE_2FA": "agents"])
        defer { stack.stop() }
        let world = try World(stack: stack)
        let merchant = try world.merchant()
        let settings = try merchant.get("/settings")
        #expect(settings.text.contains("Off."))
        #expect(settings.text.contains(#"href="/settings/two-step""#))
        let offPage = try merchant.get("/settings/two-step")
        #expect(!offPage.text.contains("must have two-step"))
        let (secret, _, confirmStep) = try Self.setUp(merchant)
        #expect(try merchant.get("/settings").text.contains("On."))
        let (signedIn, reply) = try Self.signIn(
            stack, "/merchant/login", world.merchantEmail, password: world.password, code: Self.code(secret, step: confirmStep + 1))
        #expect(reply.status == 303)
        #expect(try signedIn.get("/merchant/cases").status == 200)
        // Turning it off needs the password; then the password alone signs in again.
        let wrong = try signedIn.post("/settings/two-step", [("do", "off"), ("current_password", "nope nope nope")])
        #expect(wrong.status == 422)
        let off = try signedIn.post("/settings/two-step", [("do", "off"), ("current_password", world.password)])
        #expect(off.location == "/settings?done=two_step_off")
        #expect(try world.merchant().get("/merchant/cases").status == 200)

        // The agent (required) sets it up, loses the phone; an admin resets it.
        let agent = try world.agent()
        _ = try Self.setUp(agent)
        let adminEmail = "admin@operator.example"
        #expect(try stack.run(["admin", "create-user", "--role", "agent", "--email", adminEmail, "--admin"], stdin: world.password + "\n").status == 0)
        let admin = try world.staff("/service/login", adminEmail)
        _ = try Self.setUp(admin)
        let list = try admin.get("/service/admin")
        let agentID = try #require(Browser.firstMatch(
            #"name="user" value="([a-z2-7]{26})"><input type="hidden" name="two_step" value="reset">"#, in: list.text))
        let reset = try admin.post("/service/admin/users/state", [("user", agentID), ("two_step", "reset")])
        #expect(reset.location == "/service/admin?done=two_step_reset")
        #expect(try agent.get("/service").status == 303, "the agent's sessions ended")
        // The password alone signs in again, straight to a new setup.
        let back = try world.agent()
        #expect(back.cookies["bp_2fa"] == nil)
        #expect(try back.get("/service").location == "/settings/two-step")
        // Only for someone who has it: reset once, there is nothing left to reset.
        #expect(try admin.post("/service/admin/users/state", [("user", agentID), ("two_step", "reset")]).status == 404)

        // From the shell, for the last admin who lost everything.
        let cli = try stack.run(["admin", "reset-two-step", "--role", "agent", "--email", adminEmail])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(try admin.get("/service/admin").location?.hasPrefix("/service/login") == true, "the admin's own sessions end")
        #expect(try stack.run(["admin", "reset-two-step", "--role", "agent", "--email", adminEmail]).status == 1)
        #expect(try stack.run(["admin", "reset-two-step", "--role", "agent", "--email", "nobody@x.example"]).status == 1)
        let again = try world.staff("/service/login", adminEmail)
        _ = try Self.setUp(again)

        let audit = try again.get("/service/admin/audit")
        for words in ["Two-step sign-in turned on", "Two-step sign-in turned off", "Two-step sign-in reset by an admin"] {
            #expect(audit.text.contains(words), "\(words)")
        }
    }
}
