import Foundation
import Testing

/// The Control Centre's list and the review queue show fifty lines a page: the lines past
/// them are on the next page, reached by its link, and no case is lost or shown twice.
@Suite struct PagingTests {
    /// The case ids a page links to under `prefix` ("/merchant/cases/"), in order.
    func caseIDs(_ page: String, under prefix: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "href=\"" + NSRegularExpression.escapedPattern(for: prefix) + "([a-z0-9]+)\"")
        return pattern.matches(in: page, range: NSRange(page.startIndex..., in: page)).compactMap { match in
            Range(match.range(at: 1), in: page).map { String(page[$0]) }
        }
    }

    @Test func theControlCentreAndTheQueueShowFiftyLinesAPageAndLoseNone() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        var opened: Set<String> = []
        for n in 1...52 {
            opened.insert(try world.openCase(anna, protection: try world.registerOrder("PG-\(n)")))
        }
        #expect(opened.count == 52)

        let merchant = try world.merchant()
        for (first, second) in [
            ("/merchant/cases", "/merchant/cases?page=2"),
            ("/merchant/cases?state=awaiting_merchant", "/merchant/cases?state=awaiting_merchant&page=2"),
        ] {
            let one = try merchant.get(first).text
            let two = try merchant.get(second).text
            let onFirst = caseIDs(one, under: "/merchant/cases/")
            let onSecond = caseIDs(two, under: "/merchant/cases/")
            #expect(onFirst.count == 50, "\(first)")
            #expect(onSecond.count == 2, "\(second)")
            #expect(Set(onFirst + onSecond) == opened, "\(first): every case once")
            let escapedSecond = second.replacingOccurrences(of: "&", with: "&amp;")
            #expect(one.contains("href=\"\(escapedSecond)\" rel=\"next\""), "\(first) links to the next page")
            #expect(!two.contains("rel=\"next\""), "\(second) is the last page")
            #expect(two.contains("rel=\"prev\""), "\(second) links back")
        }

        // Past the merchant's five days every case waits in the review queue.
        _ = try stack.tick(at: Date() + 6 * 86_400)
        let agent = try world.agent()
        let one = try agent.get("/service/queue").text
        let two = try agent.get("/service/queue?page=2").text
        let onFirst = caseIDs(one, under: "/service/cases/")
        let onSecond = caseIDs(two, under: "/service/cases/")
        #expect(onFirst.count == 50)
        #expect(onSecond.count == 2)
        #expect(Set(onFirst + onSecond) == opened, "every escalated case once")
        #expect(one.contains("href=\"/service/queue?page=2\" rel=\"next\""))
        #expect(!two.contains("rel=\"next\""))
    }
}
