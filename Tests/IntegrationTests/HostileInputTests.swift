import Foundation
import Testing

/// What an attacker types ends up as text, never as markup, SQL or a header.
@Suite(.serialized) struct HostileInputTests {
    @Test func userTextAndFileNamesAreEscapedOnEveryPage() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("X-1")
        let anna = try world.customer("anna@example.com")
        let evilName = Browser.File(name: "\"><img src=x onerror=alert(1)>.pdf", contentType: "application/pdf", bytes: World.pdf.bytes)
        let caseID = try world.openCase(anna, protection: protection, message: "<script>alert(\"x\")</script> & 'quotes'", files: [evilName])
        let merchant = try world.merchant()
        for page in [try merchant.get("/merchant/cases/\(caseID)"), try anna.get("/cases/\(caseID)"), try world.agent().get("/service/cases/\(caseID)")] {
            #expect(!page.text.contains("<script>alert"), "no script from user text")
            #expect(!page.text.contains("<img src=x"), "no markup from a file name")
            #expect(page.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"))
        }
        let download = try merchant.get(try #require(Browser.firstMatch(#"href="(/documents/[a-z2-7]+)""#, in: merchant.lastPage!.text)))
        let disposition = try #require(download.header("Content-Disposition"))
        #expect(!disposition.contains("\"><"), "the header's quoted name cannot be broken out of: \(disposition)")
    }

    @Test func sqlMetacharactersAreJustCharacters() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let id = try world.registerOrder("x');DROP--`")
        let read = try world.api("GET", "/api/v1/protections/\(id)")
        #expect(read.text.contains("x');DROP--`"))
        let merchant = try world.merchant()
        #expect(try merchant.get("/merchant/cases?state=closed'--").status == 200)
        #expect(try merchant.get("/merchant/cases?page=1;DROP").status == 200)
        #expect(try world.api("GET", "/api/v1/cases?state=closed%27%20OR%201=1").status == 400)
    }
}
