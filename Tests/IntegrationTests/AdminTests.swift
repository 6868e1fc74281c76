import Foundation
import GRDB
import Testing

/// `/service/admin` through nginx: an admin creates a shop (its API key shown once and
/// working), rotates its key (the old one refused at once), invites a merchant of it and
/// an agent (each sets a password from the emailed link), deactivates and reactivates an
/// account; bad input answered beside its field; nobody but admins finds the page.
@Suite struct AdminTests {
    @Test func anAdminManagesShopsAndStaffInTheBrowser() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        #expect(try world.agent().get("/service/admin").status == 404)
        #expect(try world.merchant().get("/service/admin").status == 404)
        _ = try stack.run(["admin", "create-user", "--role", "agent", "--email", "admin@operator.example", "--admin"],
                          stdin: world.password + "\n")
        let admin = try world.staff("/service/login", "admin@operator.example")
        #expect(try admin.get("/service").text.contains(#"href="/service/admin""#))
        let page = try admin.get("/service/admin")
        #expect(page.status == 200)
        #expect(page.text.contains("Sklep Testowy") && page.text.contains(world.merchantEmail))

        // A shop: bad fields first, each beside its input, nothing created.
        for (fields, message) in [
            ([("name", ""), ("emails", "a@shop.example"), ("currency", "PLN"), ("amount", "2500.00")], "Enter a name"),
            ([("name", "New"), ("emails", "not-an-address"), ("currency", "PLN"), ("amount", "2500.00")], "is not an email address"),
            ([("name", "New"), ("emails", "a@shop.example"), ("currency", "XX"), ("amount", "2500.00")], "ISO 4217"),
            ([("name", "New"), ("emails", "a@shop.example"), ("currency", "PLN"), ("amount", "-5")], "positive amount"),
        ] {
            try admin.get("/service/admin")
            let refused = try admin.post("/service/admin/shops", fields + [("locale", "pl")])
            #expect(refused.status == 422, "\(fields)")
            #expect(refused.text.contains(message), "\(fields)")
            #expect(!refused.text.contains("bpk_"))
        }
        try admin.get("/service/admin")
        let created = try admin.post(
            "/service/admin/shops",
            [("name", "Nowy <Sklep>"), ("emails", "zamowienia@nowy.example"), ("currency", "EUR"), ("amount", "1000"), ("locale", "de")])
        #expect(created.status == 200)
        #expect(created.header("Cache-Control") == "no-store")
        let key = try #require(Browser.firstMatch("(bpk_[a-z2-7]{52})", in: created.text))
        let shopID = try #require(Browser.firstMatch(#"/service/admin/shops/([a-z2-7]{26})/rotate-key"#, in: created.text))
        #expect(try world.api("GET", "/api/v1/cases", key: key).status == 200)
        #expect(!(try admin.get("/service/admin").text.contains(key)), "shown once")
        // Rotated: the old key stops at once.
        let rotated = try admin.post("/service/admin/shops/\(shopID)/rotate-key", [])
        let newKey = try #require(Browser.firstMatch("(bpk_[a-z2-7]{52})", in: rotated.text))
        #expect(newKey != key)
        #expect(try world.api("GET", "/api/v1/cases", key: key).status == 401)
        #expect(try world.api("GET", "/api/v1/cases", key: newKey).status == 200)

        // Edited: bad fields beside their inputs and nothing changed, then saved.
        let form = try admin.get("/service/admin/shops/\(shopID)")
        #expect(form.status == 200 && form.text.contains("zamowienia@nowy.example") && form.text.contains("1000.00"))
        for (fields, message) in [
            ([("name", ""), ("emails", "a@nowy.example"), ("amount", "1000"), ("locale", "de")], "Enter a name"),
            ([("name", "N"), ("emails", "a@nowy.example, nope"), ("amount", "1000"), ("locale", "de")], "is not an email address"),
            ([("name", "N"), ("emails", "a@nowy.example"), ("amount", "1000,123"), ("locale", "de")], "positive amount"),
            ([("name", "N"), ("emails", "a@nowy.example"), ("amount", "1000"), ("locale", "xx")], "Choose a language"),
        ] {
            try admin.get("/service/admin/shops/\(shopID)")
            let refused = try admin.post("/service/admin/shops/\(shopID)", fields)
            #expect(refused.status == 422, "\(fields)")
            #expect(refused.text.contains(message), "\(fields)")
        }
        #expect(try admin.get("/service/shops/\(shopID)").text.contains("Nowy &lt;Sklep&gt;"), "nothing changed")
        try admin.get("/service/admin/shops/\(shopID)")
        let saved = try admin.post(
            "/service/admin/shops/\(shopID)",
            [("name", "Nowy Sklep GmbH"), ("emails", "orders@nowy.example\ncc@nowy.example"), ("amount", "1500,50"), ("locale", "en")])
        #expect(saved.status == 303)
        let shopPage = try admin.get("/service/shops/\(shopID)")
        #expect(shopPage.text.contains("Nowy Sklep GmbH") && shopPage.text.contains("cc@nowy.example") && shopPage.text.contains("1,500.50"))
        #expect(try admin.get("/service/admin/shops/\(String(repeating: "a", count: 26))").status == 404)
        #expect(try world.agent().get("/service/admin/shops/\(shopID)").status == 404)

        // Staff: a merchant of the new shop and an agent, invited; bad input first.
        for (fields, message) in [
            ([("email", "x"), ("role", "merchant"), ("shop", shopID)], "Enter an email address"),
            ([("email", "m@nowy.example"), ("role", "merchant"), ("shop", "")], "existing shop"),
            ([("email", world.merchantEmail), ("role", "merchant"), ("shop", world.shopID)], "already has an account"),
        ] {
            try admin.get("/service/admin")
            let refused = try admin.post("/service/admin/users", fields)
            #expect(refused.status == 422, "\(fields)")
            #expect(refused.text.contains(message), "\(fields)")
        }
        try admin.get("/service/admin")
        #expect(
            try admin.post("/service/admin/users", [("email", "m@nowy.example"), ("role", "merchant"), ("shop", shopID), ("owner", "1")])
                .status == 303)
        #expect(try admin.post("/service/admin/users", [("email", "agent2@operator.example"), ("role", "agent"), ("shop", "")]).status == 303)
        try stack.deliverMail()
        let merchantMail = try #require(stack.mailbox.to("m@nowy.example").last)
        #expect(merchantMail.subject.contains("Nowy Sklep GmbH"), "the shop as edited")
        let agentMail = try #require(stack.mailbox.to("agent2@operator.example").last)
        let visitor = Browser(port: stack.port)
        let link = try #require(agentMail.firstLinkPath)
        #expect(try visitor.get(link).status == 200)
        #expect(try visitor.post(link, [("new_password", "violet anchor migrates slowly")]).status == 303)
        let agent2 = try world.staff("/service/login", "agent2@operator.example", password: "violet anchor migrates slowly")
        #expect(try agent2.get("/service/queue").status == 200)
        #expect(try agent2.get("/service/admin").status == 404, "invited without the admin flag")
        // The shop's first merchant accepts, owns the shop and invites a colleague.
        let ownerLink = try #require(merchantMail.firstLinkPath)
        try visitor.get(ownerLink)
        #expect(try visitor.post(ownerLink, [("new_password", "amber harbour listens quietly")]).status == 303)
        let firstMerchant = try world.staff("/merchant/login", "m@nowy.example", password: "amber harbour listens quietly")
        try firstMerchant.get("/merchant/settings")
        #expect(try firstMerchant.post("/merchant/settings/colleagues", [("email", "colleague@nowy.example")]).status == 303)
        try stack.deliverMail()
        #expect(!stack.mailbox.to("colleague@nowy.example").isEmpty)

        // Deactivated: signed out at once; reactivated: signs in again with the same password.
        let list = try admin.get("/service/admin")
        let row = try #require(list.text.components(separatedBy: "<tr>").first { $0.contains("agent2@operator.example") })
        let agentID = try #require(Browser.firstMatch(#"name="user" value="([a-z2-7]{26})""#, in: row))
        #expect(try admin.post("/service/admin/users/state", [("user", agentID), ("active", "0")]).status == 303)
        #expect(try agent2.get("/service/queue").status == 303)
        try admin.get("/service/admin")
        #expect(try admin.post("/service/admin/users/state", [("user", agentID), ("active", "1")]).status == 303)
        #expect(try world.staff("/service/login", "agent2@operator.example", password: "violet anchor migrates slowly")
            .get("/service/queue").status == 200)
        // Twice, or an unknown account: 404. The admin's own account has no button.
        try admin.get("/service/admin")
        #expect(try admin.post("/service/admin/users/state", [("user", agentID), ("active", "1")]).status == 404)
        #expect(!(try admin.get("/service/admin").text.components(separatedBy: "<tr>").first { $0.contains("admin@operator.example") }?
            .contains("name=\"user\"") ?? true))
        // Every step is in the audit log.
        let audit = try admin.get("/service/admin/audit")
        for text in ["Shop created", "Shop edited", "API keys rotated", "User invited", "User deactivated", "User reactivated", "colleague@nowy.example",
                     "m@nowy.example", "merchant, owner", "Password set from an emailed link"] {
            #expect(audit.text.contains(text), "\(text)")
        }
    }

    /// A hundred shops and staff a page; `bp seed` makes a thousand shops.
    @Test func shopsAndStaffArePagedAHundredAtATime() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        _ = try stack.run(["admin", "create-user", "--role", "agent", "--email", "admin@operator.example", "--admin"],
                          stdin: world.password + "\n")
        let database = try DatabaseQueue(path: stack.data + "/bp.sqlite")
        try database.write { db in
            for n in 1...120 {
                let created = String(format: "2020-01-01 00:%02d:%02d.000", n / 60, n % 60)
                try db.execute(
                    sql: """
                        INSERT INTO shops (id, name, notification_emails, currency, coverage_limit_minor, locale, api_key_hash, created_at)
                        VALUES (?, ?, 'x@shop.example', 'PLN', 100, 'pl', ?, ?)
                        """, arguments: [String(format: "paged%021d", n), String(format: "Paged shop %03d", n), "hash\(n)", created])
                try db.execute(
                    sql: """
                        INSERT INTO users (id, role, shop_id, email, password_hash, locale, created_at, owner, admin)
                        VALUES (?, 'merchant', ?, ?, '', 'en', ?, 0, 0)
                        """, arguments: [String(format: "user%022d", n), String(format: "paged%021d", n), String(format: "m%03d@paged.example", n), created])
            }
        }
        let admin = try world.staff("/service/login", "admin@operator.example")
        let first = try admin.get("/service/admin")
        // Shops, the newest first: the world's own shop, then 120 down to 22 on page 1.
        // (A shop in the shops table is a link; in the staff table, a merchant's shop is text.)
        #expect(first.text.contains(">Sklep Testowy</a>") && first.text.contains(">Paged shop 120</a>"))
        #expect(first.text.contains(">Paged shop 022</a>") && !first.text.contains(">Paged shop 021</a>"))
        #expect(first.text.contains(#"href="/service/admin?shops=2#shops-heading""#))
        #expect(first.text.contains(#"href="/service/admin?staff=2#users-heading""#))
        let shops2 = try admin.get("/service/admin?shops=2")
        #expect(shops2.text.contains(">Paged shop 021</a>") && shops2.text.contains(">Paged shop 001</a>"))
        #expect(!shops2.text.contains(">Paged shop 022</a>"))
        #expect(shops2.text.contains(#"href="/service/admin#shops-heading""#))
        #expect(!shops2.text.contains("?shops=3"))
        // Staff on their own page, with their shops' names though those shops are elsewhere.
        let staff2 = try admin.get("/service/admin?shops=2&staff=2")
        #expect(staff2.text.contains("m120@paged.example"))
        #expect(staff2.text.contains(">Paged shop 120</td>"), "a merchant's shop is named though not on this page of shops")
        #expect(!staff2.text.contains(">Paged shop 120</a>"))
        #expect(try admin.get("/service/admin?shops=abc&staff=-1").status == 200)
    }
}
