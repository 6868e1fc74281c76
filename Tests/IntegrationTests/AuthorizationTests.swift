import Foundation
import Testing

/// Every route with every kind of actor, against the table below: who may see what
/// (SPEC §7: someone who may not see a thing gets 404, not 403, so ids cannot be probed).
@Suite(.serialized) struct AuthorizationTests {
    enum Actor: String, CaseIterable {
        case anonymous, customer, otherCustomer, merchant, otherMerchant, agent, insolventMerchant
    }

    /// Expected answers: 200, 303 (to sign in for anonymous, or onward), 404.
    /// Columns in the order of `Actor.allCases`.
    static let getTable: [(String, [Int])] = [
        //                                  anon cust  othC merc othM agent insolv
        ("/",                               [200, 200, 200, 200, 200, 200, 200]),
        ("/account",                        [303, 200, 200, 404, 404, 404, 404]),
        ("/protections/{protection}",       [303, 200, 404, 404, 404, 404, 404]),
        ("/cases/{case}",                   [303, 200, 404, 404, 404, 404, 404]),
        ("/cases/{inquiry}",                [303, 200, 404, 404, 404, 404, 404]),
        ("/merchant/cases",                 [303, 404, 404, 200, 200, 404, 200]),
        ("/merchant/cases/{case}",          [303, 404, 404, 200, 404, 404, 404]),
        ("/merchant/cases/{inquiry}",       [303, 404, 404, 404, 404, 404, 404]),
        ("/merchant/cases/{case}/reply",    [303, 404, 404, 200, 404, 404, 404]),
        ("/service",                        [303, 404, 404, 404, 404, 200, 404]),
        ("/service/queue",                  [303, 404, 404, 404, 404, 200, 404]),
        ("/service/cases/{case}",           [303, 404, 404, 404, 404, 200, 404]),
        ("/service/cases/{inquiry}",        [303, 404, 404, 404, 404, 200, 404]),
        ("/service/shops/{shop}",           [303, 404, 404, 404, 404, 200, 404]),
        ("/service/mail",                   [303, 404, 404, 404, 404, 200, 404]),
        ("/documents/{document}",           [303, 200, 404, 200, 404, 200, 404]),
        ("/settings",                       [303, 404, 404, 200, 200, 200, 200]),
        ("/cases/aaaaaaaaaaaaaaaaaaaaaaaaaa", [303, 404, 404, 404, 404, 404, 404]),
    ]

    /// Posts by those who may not make them: nothing changes, 404 (or sign in).
    static let postTable: [(String, [(String, String)], [Int])] = [
        ("/protections/{protection}/feedback", [("option", "other")],  [303, -1, 404, 404, 404, 404, 404]),
        ("/cases/{case}/answer", [("answer", "accept")],               [303, -1, 404, 404, 404, 404, 404]),
        ("/cases/{case}/messages", [("message", "x")],                 [303, -1, 404, 404, 404, 404, 404]),
        ("/merchant/cases/{case}/reply", [("refund", "no"), ("message", "x")], [303, 404, 404, -1, 404, 404, 404]),
        ("/merchant/cases/{case}/messages", [("message", "x")],        [303, 404, 404, -1, 404, 404, 404]),
        ("/service/cases/{case}/note", [("text", "x")],                [303, 404, 404, 404, 404, -1, 404]),
        ("/service/cases/{case}/decision", [("outcome", "rejected"), ("text", "x")], [303, 404, 404, 404, 404, -1, 404]),
        ("/service/shops/{shop}/insolvency", [("confirm", "x")],       [303, 404, 404, 404, 404, -1, 404]),
    ]

    @Test func everyRouteAnswersEveryActorAsTheTableSays() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("A-1")
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: protection, files: [World.pdf])
        let inquiry = try world.openCase(anna, protection: try world.registerOrder("A-2"), option: "other")
        let document = try #require(Browser.firstMatch(#"href="/documents/([a-z2-7]+)""#, in: try anna.get("/cases/\(caseID)").text))
        _ = try world.registerOrder("A-3", email: "john@example.com")
        let john = try world.customer("john@example.com")

        func shop(_ name: String, _ merchant: String) throws -> String {
            let out = try stack.run(["admin", "create-shop", "--name", name, "--email", "x@\(name.lowercased()).example"])
            let id = try #require((try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: String])?["id"])
            _ = try stack.run(["admin", "create-user", "--role", "merchant", "--shop", id, "--email", merchant], stdin: world.password + "\n")
            return id
        }
        _ = try shop("Other", "m@other.example")
        let bankruptID = try shop("Bankrupt", "m@bankrupt.example")
        let agent = try world.agent()
        try agent.get("/service/shops/\(bankruptID)")
        #expect(try agent.post("/service/shops/\(bankruptID)/insolvency", [("confirm", "Bankrupt")]).status == 303)

        let browsers: [Actor: Browser] = [
            .anonymous: stack.browser(), .customer: anna, .otherCustomer: john, .merchant: try world.merchant(),
            .otherMerchant: try world.staff("/merchant/login", "m@other.example"), .agent: agent,
            .insolventMerchant: try world.staff("/merchant/login", "m@bankrupt.example"),
        ]
        func fill(_ path: String) -> String {
            path.replacingOccurrences(of: "{protection}", with: protection).replacingOccurrences(of: "{case}", with: caseID)
                .replacingOccurrences(of: "{inquiry}", with: inquiry).replacingOccurrences(of: "{document}", with: document)
                .replacingOccurrences(of: "{shop}", with: world.shopID)
        }
        for (path, expected) in Self.getTable {
            for (index, actor) in Actor.allCases.enumerated() {
                let want = expected[index]
                let status = try browsers[actor]!.get(fill(path)).status
                #expect(status == want, "GET \(path) as \(actor.rawValue): \(status), expected \(want)")
            }
        }
        for (path, fields, expected) in Self.postTable {
            for (index, actor) in Actor.allCases.enumerated() where expected[index] != -1 {
                let browser = browsers[actor]!
                try browser.get("/")
                let status = try browser.post(fill(path), fields).status
                #expect(status == expected[index], "POST \(path) as \(actor.rawValue): \(status), expected \(expected[index])")
            }
        }
        // Nothing those posts tried has changed the case.
        #expect(try anna.get("/cases/\(caseID)").text.contains("state-awaiting_merchant"))
    }
}
