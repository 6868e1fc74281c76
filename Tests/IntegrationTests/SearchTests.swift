import Foundation
import Testing

/// Search through nginx: by case number, order number (exact and prefix) and customer
/// email; a merchant only ever finds their own shop's claims; agents find every case and
/// shops by name; a single hit goes straight to it; hostile text changes nothing.
@Suite struct SearchTests {
    /// The case number shown on the case's page ("#107380").
    func number(of caseID: String, _ browser: Browser) throws -> String {
        let page = try browser.get("/merchant/cases/\(caseID)").text
        return try #require(Browser.firstMatch(#"#(\d{6,})"#, in: page))
    }

    @Test func aMerchantFindsTheirCasesByNumberOrderAndEmailAndNothingOfAnotherShop() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let first = try world.openCase(anna, protection: try world.registerOrder("ZX-4711"))
        let second = try world.openCase(anna, protection: try world.registerOrder("ZX-4712"))
        _ = try world.registerOrder("ZX-4799")  // a protection without a case: not a search result
        let john = try world.customer("John@Example.com")
        let johns = try world.openCase(john, protection: try world.registerOrder("Q-1", email: "John@Example.com"))
        // Another shop with an order number that starts the same way.
        let othersCase = try world.openCase(anna, protection: try world.registerInAnotherShop("ZX-4713"))

        let merchant = try world.merchant()
        let list = try merchant.get("/merchant/cases")
        #expect(list.text.contains(#"action="/merchant/search""#), "the search box is on the Control Centre")
        let caseNumber = try number(of: first, merchant)

        // One hit: straight to the case, whether typed with # or without.
        for typed in ["#\(caseNumber)", caseNumber, " ZX-4711 ", "john@example.com", "JOHN@EXAMPLE.COM"] {
            let reply = try merchant.get("/merchant/search?q=" + typed.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            let expected = typed.lowercased().contains("john") ? johns : first
            #expect(reply.status == 303, "\(typed)")
            #expect(reply.location == "/merchant/cases/\(expected)", "\(typed): \(reply.location ?? "")")
        }
        // A prefix: both of this shop's ZX cases, listed; never the other shop's.
        let prefix = try merchant.get("/merchant/search?q=ZX-47")
        #expect(prefix.status == 200)
        #expect(prefix.text.contains("/merchant/cases/\(first)") && prefix.text.contains("/merchant/cases/\(second)"))
        #expect(!prefix.text.contains(othersCase))
        #expect(!prefix.text.contains("ZX-4713") && !prefix.text.contains("ZX-4799"))
        // The other shop's order exactly: nothing, and the same words as any miss.
        let foreign = try merchant.get("/merchant/search?q=ZX-4713")
        #expect(foreign.status == 200)
        #expect(foreign.text.contains("Nothing matches"))
        #expect(!foreign.text.contains(othersCase))
        // Nothing typed, and far too much.
        #expect(try merchant.get("/merchant/search?q=").text.contains("Type a case number"))
        let long = try merchant.get("/merchant/search?q=" + String(repeating: "7", count: 400))
        #expect(long.status == 200)
        #expect(long.text.contains("longer than any case number"))
        // Customers and agents are not merchants here; strangers are sent to sign in.
        #expect(try anna.get("/merchant/search?q=ZX").status != 200)
        #expect(try stack.browser().get("/merchant/search?q=ZX").status == 303)
    }

    @Test func anAgentFindsCasesOfEveryShopAndShopsByName() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, shopName: "Meble Kowalski")
        let anna = try world.customer("anna@example.com")
        let first = try world.openCase(anna, protection: try world.registerOrder("K-100"))
        let inquiry = try world.openCase(anna, protection: try world.registerOrder("K-101"), option: "other", message: "A question.")
        let agent = try world.agent()
        #expect(try agent.get("/service/queue").text.contains(#"action="/service/search""#))

        let both = try agent.get("/service/search?q=K-10")
        #expect(both.status == 200)
        #expect(both.text.contains("/service/cases/\(first)") && both.text.contains("/service/cases/\(inquiry)"), "inquiries too")
        #expect(both.text.contains("Meble Kowalski"))
        let one = try agent.get("/service/search?q=K-100")
        #expect(one.status == 303)
        #expect(one.location == "/service/cases/\(first)")
        // A shop by part of its name, any case: straight to the shop.
        let shop = try agent.get("/service/search?q=kowal")
        #expect(shop.status == 303)
        #expect(shop.location == "/service/shops/\(world.shopID)")
        // LIKE's wildcards are text, not patterns.
        let wildcard = try agent.get("/service/search?q=%25")
        #expect(wildcard.status == 200)
        #expect(wildcard.text.contains("Nothing matches"))
        // Text that is markup is shown as text.
        let markup = try agent.get("/service/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        #expect(markup.status == 200)
        #expect(!markup.text.contains("<script>alert(1)"))
        #expect(markup.text.contains("&lt;script&gt;alert(1)"))
        // A merchant is not an agent.
        #expect(try world.merchant().get("/service/search?q=K").status == 404)
    }
}
