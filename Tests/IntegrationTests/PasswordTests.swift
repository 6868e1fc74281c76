import Foundation
import Testing

/// Staff passwords through nginx: a forgotten password set again from the emailed link
/// (the old sessions gone, the link good once), and a change on /settings (the current
/// password first, common ones refused, the other sessions ended).
@Suite struct PasswordTests {
    @Test func aMerchantResetsAForgottenPasswordFromTheEmailedLink() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let oldSession = try world.merchant()
        let visitor = stack.browser()
        let login = try visitor.get("/merchant/login")
        #expect(login.text.contains(#"href="/merchant/forgot-password""#))
        try visitor.get("/merchant/forgot-password")
        // The same answer for an unknown address, and no email for it.
        let unknown = try visitor.post("/merchant/forgot-password", [("email", "nobody@shop.example")])
        let known = try visitor.post("/merchant/forgot-password", [("email", "STAFF@shop.example")])
        #expect(unknown.status == 303 && known.status == 303)
        #expect(unknown.location == known.location)
        // An agent's address on the merchants' page is no merchant: no email either.
        _ = try visitor.post("/merchant/forgot-password", [("email", world.agentEmail)])
        try stack.deliverMail()
        #expect(stack.mailbox.to("nobody@shop.example").isEmpty)
        #expect(stack.mailbox.to(world.agentEmail).isEmpty)
        let mail = try #require(stack.mailbox.to(world.merchantEmail).last)
        let link = try #require(mail.firstLinkPath)
        #expect(link.hasPrefix("/password/reset/"))

        let form = try visitor.get(link)
        #expect(form.status == 200)
        #expect(form.text.contains(world.merchantEmail))
        for (weak, message) in [("short", "at least 12"), ("Password2026!", "most common"), ("staff-password-staff", "email address"),
                                ("aaaaaaaaaaaaaaa", "most common"), ("1234567890123", "most common")] {
            let refused = try visitor.post(link, [("new_password", weak)])
            #expect(refused.status == 422, "\(weak)")
            #expect(refused.text.contains(message), "\(weak)")
        }
        let done = try visitor.post(link, [("new_password", "violet anchor migrates slowly")])
        #expect(done.status == 303)
        #expect(done.location == "/merchant/login?done=password_reset")
        // The link is spent; the session signed in before the reset is over.
        #expect(try visitor.get(link).status == 410)
        #expect(try visitor.post(link, [("new_password", "another good long phrase")]).status == 410)
        #expect(try oldSession.get("/merchant/cases").status == 303)
        // The old password no longer signs in; the new one does.
        #expect(throws: (any Error).self) { try world.staff("/merchant/login", world.merchantEmail) }
        #expect(try world.staff("/merchant/login", world.merchantEmail, password: "violet anchor migrates slowly").get("/merchant/cases").status == 200)
        #expect(try visitor.get("/password/reset/" + String(repeating: "a", count: 52)).status == 410)
    }

    @Test func anAgentChangesTheirPasswordOnSettingsAndIsSignedOutElsewhere() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let desk = try world.agent()
        let laptop = try world.agent()
        let settings = try desk.get("/settings")
        #expect(settings.text.contains(#"name="current_password""#))
        let wrong = try desk.post("/settings", [("change", "password"), ("current_password", "not it at all"),
                                                ("new_password", "violet anchor migrates slowly")])
        #expect(wrong.status == 422)
        #expect(wrong.text.contains("not your current password"))
        try desk.get("/settings")
        let common = try desk.post("/settings", [("change", "password"), ("current_password", world.password),
                                                 ("new_password", "qwertyuiopasdf")])
        #expect(common.status == 422)
        #expect(common.text.contains("most common"))
        try desk.get("/settings")
        let changed = try desk.post("/settings", [("change", "password"), ("current_password", world.password),
                                                  ("new_password", "violet anchor migrates slowly")])
        #expect(changed.status == 303)
        #expect(changed.location == "/settings?done=password_changed")
        #expect(try desk.get("/service").status == 200, "this session stays")
        #expect(try laptop.get("/service").status == 303, "the others end")
        #expect(try world.staff("/service/login", world.agentEmail, password: "violet anchor migrates slowly").get("/service").status == 200)
        // The command line holds to the same rules.
        let weak = try stack.run(["admin", "create-user", "--role", "agent", "--email", "new@operator.example"], stdin: "password1234\n")
        #expect(weak.status != 0)
        #expect(weak.stderr.contains("most common"))
    }
}
