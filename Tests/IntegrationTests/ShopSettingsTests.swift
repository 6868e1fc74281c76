import Foundation
import Testing

/// A shop's owner at `/merchant/settings` through nginx: the notification addresses the
/// case emails go to, several named API keys (each shown once, each revocable on its own,
/// a revoked one refused at once), and every bad input answered beside its field with
/// nothing changed. Other merchants and agents find no such page.
@Suite struct ShopSettingsTests {
    @Test func theOwnerChangesWhereCaseEmailsGoAndManagesNamedAPIKeys() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let owner = try WebhookTests.owner(world)
        #expect(try owner.get("/settings").text.contains(#"href="/merchant/settings""#))
        let page = try owner.get("/merchant/settings")
        #expect(page.status == 200)
        #expect(page.text.contains("orders@shop.example\nboss@shop.example"))
        #expect(page.text.contains("First key"), "the key the shop was created with")

        // Bad addresses: the form again with what was typed; nothing changed.
        for (typed, message) in [
            ("", "Enter at least one address."), ("orders@shop.example, not-an-address", "is not an email address"),
            ((1...11).map { "a\($0)@shop.example" }.joined(separator: "\n"), "At most 10 addresses."),
        ] {
            try owner.get("/merchant/settings")
            let refused = try owner.post("/merchant/settings/notifications", [("emails", typed)])
            #expect(refused.status == 422, "\(typed)")
            #expect(refused.text.contains(message), "\(typed)")
            #expect(refused.text.contains(#"aria-invalid="true""#))
        }
        try owner.get("/merchant/settings")
        let saved = try owner.post("/merchant/settings/notifications", [("emails", "Cases@Shop.example; boss@shop.example\ncases@shop.example")])
        #expect(saved.status == 303)
        #expect(saved.location == "/merchant/settings?done=settings_saved")
        #expect(try owner.get("/merchant/settings").text.contains("cases@shop.example\nboss@shop.example"))
        // The next case's email goes to the new addresses, not the old one.
        let anna = try world.customer("anna@example.com")
        _ = try world.openCase(anna, protection: try world.registerOrder("SET-1"))
        try stack.deliverMail()
        let mailbox = Mailbox(directory: stack.data + "/mail")
        #expect(!mailbox.to("cases@shop.example").isEmpty)
        #expect(mailbox.to("orders@shop.example").isEmpty)

        // A second key, named; shown once; works; revoked, it stops at once.
        try owner.get("/merchant/settings")
        for (name, message) in [("", "Name the key."), ("First key", "already has this name"), (String(repeating: "x", count: 61), "at most 60")] {
            let refused = try owner.post("/merchant/settings/api-keys", [("name", name)])
            #expect(refused.status == 422, "\(name)")
            #expect(refused.text.contains(message), "\(name): \(refused.text.prefix(200))")
            #expect(!refused.text.contains("bpk_"))
        }
        let created = try owner.post("/merchant/settings/api-keys", [("name", "ERP <main>")])
        #expect(created.status == 200)
        #expect(created.header("Cache-Control") == "no-store")
        #expect(created.text.contains("ERP &lt;main&gt;"))
        let key = try #require(Browser.firstMatch("(bpk_[a-z2-7]{52})", in: created.text))
        #expect(!(try owner.get("/merchant/settings").text.contains(key)), "shown once")
        #expect(try world.api("GET", "/api/v1/cases", key: key).status == 200)
        #expect(try world.api("GET", "/api/v1/cases").status == 200, "the first key still works")
        let keyID = try #require(
            Browser.allMatches(#"name="key" value="([0-9a-z]+)""#, in: try owner.get("/merchant/settings").text).last)
        let revoked = try owner.post("/merchant/settings/api-keys/revoke", [("key", keyID)])
        #expect(revoked.status == 303)
        #expect(try world.api("GET", "/api/v1/cases", key: key).status == 401)
        #expect(try world.api("GET", "/api/v1/cases").status == 200)
        #expect(try owner.get("/merchant/settings").text.contains("Revoked"))
        // Revoking it again, or a key of no shop of ours: 404.
        try owner.get("/merchant/settings")
        #expect(try owner.post("/merchant/settings/api-keys/revoke", [("key", keyID)]).status == 404)
        #expect(try owner.post("/merchant/settings/api-keys/revoke", [("key", "nosuchkey")]).status == 404)
    }

    @Test func onlyTheShopsOwnerHasTheSettings() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let merchant = try world.merchant()
        #expect(try merchant.get("/merchant/settings").status == 404)
        try merchant.get("/merchant/cases")
        #expect(try merchant.post("/merchant/settings/notifications", [("emails", "evil@example.com")]).status == 404)
        #expect(try merchant.post("/merchant/settings/api-keys", [("name", "mine")]).status == 404)
        #expect(!(try merchant.get("/settings").text.contains("/merchant/settings")))
        let agent = try world.agent()
        #expect(try agent.get("/merchant/settings").status == 404)
        #expect(try Browser(port: stack.port).get("/merchant/settings").status == 303)
        // Another shop's owner cannot revoke this shop's first key.
        let owner = try WebhookTests.owner(world)
        let keyID = try #require(Browser.firstMatch(#"name="key" value="([0-9a-z]+)""#, in: try owner.get("/merchant/settings").text))
        let other = try stack.run(["admin", "create-shop", "--name", "Other", "--email", "o@other.example"])
        let otherID = try #require(Browser.firstMatch(#""id":"([a-z2-7]{26})""#, in: other.stdout.replacingOccurrences(of: " ", with: "")))
        _ = try stack.run(["admin", "create-user", "--role", "merchant", "--shop", otherID, "--email", "boss@other.example", "--owner"],
                          stdin: world.password + "\n")
        let stranger = try world.staff("/merchant/login", "boss@other.example")
        try stranger.get("/merchant/settings")
        #expect(try stranger.post("/merchant/settings/api-keys/revoke", [("key", keyID)]).status == 404)
        #expect(try world.api("GET", "/api/v1/cases").status == 200)
        // Nor deactivate this shop's merchant.
        let merchantID = try #require(Browser.firstMatch(#"name="user" value="([a-z2-7]{26})""#, in: try owner.get("/merchant/settings").text))
        try stranger.get("/merchant/settings")
        #expect(try stranger.post("/merchant/settings/colleagues/deactivate", [("user", merchantID)]).status == 404)
        #expect(try merchant.get("/merchant/cases").status == 200)
    }

    @Test func theOwnerInvitesAColleagueWhoSetsAPasswordAndDeactivatesThemLater() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let owner = try WebhookTests.owner(world)
        // Bad addresses and one that already has an account: beside the field, no mail.
        for (typed, message) in [("not-an-address", "Enter an email address"), ("", "Enter an email address"),
                                 (world.merchantEmail.uppercased(), "already has an account")] {
            try owner.get("/merchant/settings")
            let refused = try owner.post("/merchant/settings/colleagues", [("email", typed)])
            #expect(refused.status == 422, "\(typed)")
            #expect(refused.text.contains(message), "\(typed)")
        }
        try owner.get("/merchant/settings")
        let invited = try owner.post("/merchant/settings/colleagues", [("email", "New.Colleague@shop.example")])
        #expect(invited.status == 303)
        #expect(try owner.get("/merchant/settings").text.contains("Invited, no password yet"))
        try stack.deliverMail()
        let mail = try #require(stack.mailbox.to("new.colleague@shop.example").last)
        #expect(mail.subject.contains("Sklep Testowy"))
        #expect(mail.text.contains("owner@shop.example"))
        let link = try #require(mail.firstLinkPath)
        // No password yet: signing in with an empty or any password fails.
        let visitor = Browser(port: stack.port)
        try visitor.get("/merchant/login")
        let refused = try visitor.post("/merchant/login", [("email", "new.colleague@shop.example"), ("password", "")])
        #expect(refused.status != 303)
        #expect(try visitor.get(link).status == 200)
        #expect(try visitor.post(link, [("new_password", "violet anchor migrates slowly")]).status == 303)
        let colleague = try world.staff("/merchant/login", "new.colleague@shop.example", password: "violet anchor migrates slowly")
        #expect(try colleague.get("/merchant/cases").status == 200)
        #expect(try colleague.get("/merchant/settings").status == 404, "a colleague is no owner")

        // Deactivated: signed out at once, cannot sign in or get a password link; the row stays.
        let page = try owner.get("/merchant/settings")
        let ids = Browser.allMatches(#"name="user" value="([a-z2-7]{26})""#, in: page.text)
        #expect(ids.count == 2, "the world's merchant and the new colleague; never the owner themself")
        let colleagueRow = try #require(page.text.components(separatedBy: "<tr>").first { $0.contains("new.colleague@shop.example") })
        let colleagueID = try #require(Browser.firstMatch(#"name="user" value="([a-z2-7]{26})""#, in: colleagueRow))
        let done = try owner.post("/merchant/settings/colleagues/deactivate", [("user", colleagueID)])
        #expect(done.status == 303)
        #expect(try colleague.get("/merchant/cases").status == 303, "the session ended")
        let again = Browser(port: stack.port)
        try again.get("/merchant/login")
        let blocked = try again.post("/merchant/login", [("email", "new.colleague@shop.example"), ("password", "violet anchor migrates slowly")])
        #expect(blocked.status != 303)
        try again.get("/merchant/forgot-password")
        #expect(try again.post("/merchant/forgot-password", [("email", "new.colleague@shop.example")]).status == 303)
        let before = stack.mailbox.to("new.colleague@shop.example").count
        try stack.deliverMail()
        #expect(stack.mailbox.to("new.colleague@shop.example").count == before, "no password link for a deactivated account")
        #expect(try owner.get("/merchant/settings").text.contains("Deactivated"))
        // Twice, or an id of no colleague: 404.
        try owner.get("/merchant/settings")
        #expect(try owner.post("/merchant/settings/colleagues/deactivate", [("user", colleagueID)]).status == 404)
        #expect(try owner.post("/merchant/settings/colleagues/deactivate", [("user", String(repeating: "a", count: 26))]).status == 404)
        // The same address cannot be invited again (the account stays, deactivated).
        let reinvite = try owner.post("/merchant/settings/colleagues", [("email", "new.colleague@shop.example")])
        #expect(reinvite.status == 422)
    }
}
