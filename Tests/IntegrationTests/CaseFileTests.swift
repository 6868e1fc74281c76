import Foundation
import Testing

/// The case file through nginx: each party's printable page and signed JSON with what
/// they may see, checked offline by `bp verify-file`; a changed byte, another key or a
/// forged chain is refused.
@Suite struct CaseFileTests {
    @Test func eachPartyGetsTheirCaseFileSignedAndAChangedByteIsCaught() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder("F-1"), files: [World.pdf])
        let merchant = try world.merchant()
        _ = try world.reply(merchant, caseID: caseID, refund: "no", message: "Delivered.")
        _ = try world.answer(anna, caseID: caseID, answer: "disagree", message: "Not mine.")
        let agent = try world.agent()
        try agent.get("/service/cases/\(caseID)")
        #expect(try agent.post("/service/cases/\(caseID)/note", [("text", "Internal: call the carrier.")]).status == 303)

        // Each case page links its file; each file is printable and has the chain's head.
        for (browser, casePath, filePath) in [
            (anna, "/cases/\(caseID)", "/cases/\(caseID)/file"), (merchant, "/merchant/cases/\(caseID)", "/merchant/cases/\(caseID)/file"),
            (agent, "/service/cases/\(caseID)", "/service/cases/\(caseID)/file"),
        ] {
            #expect(try browser.get(casePath).text.contains(#"href="\#(filePath)""#), "\(casePath)")
            let page = try browser.get(filePath)
            #expect(page.status == 200)
            #expect(page.text.contains("potwierdzenie zamówienia.pdf"))
            #expect(Browser.firstMatch(#"<code class="hash">([0-9a-f]{64})</code>"#, in: page.text) != nil)
            #expect(page.text.contains("call the carrier") == (browser === agent), "internal notes only in the agents' file")
        }
        // Nobody else's.
        #expect(try world.customer("john@example.com").get("/cases/\(caseID)/file").status == 404)
        #expect(try anna.get("/service/cases/\(caseID)/file.json").status == 404)

        let directory = NSTemporaryDirectory() + "bp-case-file-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func check(_ bytes: [UInt8], _ name: String, _ extra: [String] = []) throws -> Stack.Output {
            let path = directory + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return try stack.run(["verify-file", path] + extra)
        }
        let service = try agent.get("/service/cases/\(caseID)/file.json")
        #expect(service.status == 200)
        #expect(service.header("Content-Type") == "application/json")
        let good = try check(service.body, "service.json")
        #expect(good.status == 0, "\(good.stdout) \(good.stderr)")
        #expect(good.stdout.contains("signature and hash chain hold"))
        #expect(service.text.contains("call the carrier"))
        let customer = try anna.get("/cases/\(caseID)/file.json")
        #expect(!customer.text.contains("call the carrier"), "the customer's copy has no internal note")
        #expect(try check(customer.body, "customer.json").status == 0)

        // One changed letter of the merchant's message: the signature no longer holds.
        let changed = Array(service.text.replacingOccurrences(of: "Delivered.", with: "Refunded.").utf8)
        let bad = try check(changed, "changed.json")
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("the signature does not match"), "\(bad.stdout)")
        // Another installation's key is not this one.
        let stranger = try check(service.body, "other-key.json", ["--public-key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="])
        #expect(stranger.status == 1)
        #expect(stranger.stdout.contains("signed by another key"), "\(stranger.stdout)")
        let key = try stack.run(["verify-file", "--print-public-key"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try check(service.body, "with-key.json", ["--public-key", key]).status == 0)
        #expect(try check(Array("{}".utf8), "nothing.json").stdout.contains("not a case file"))
    }
}
