import Foundation
import Testing

/// CSV exports through nginx: the merchant's of their shop, the agent's of a shop or
/// all, read back with Python's csv module; formula cells neutralised; bad days answered
/// on the form with nothing downloaded.
@Suite struct ExportTests {
    /// The rows Python's csv module reads from the bytes (BOM stripped by utf-8-sig).
    func pythonRows(_ bytes: [UInt8]) throws -> [[String]] {
        let file = NSTemporaryDirectory() + "bp-export-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let script = "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig')))))"
        let result = try Stack.capture("/usr/bin/python3", ["-c", script, file], env: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode([[String]].self, from: Data(result.stdout.utf8))
    }

    @Test func aMerchantDownloadsTheirShopsCasesAndSpreadsheetsRunNoFormula() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, shopName: "=Evil, \"Shop\"")
        let anna = try world.customer("anna@example.com")
        let formula = "=SUM(1,2)+HYPERLINK(A1)"
        let first = try world.openCase(anna, protection: try world.registerOrder(formula))
        let second = try world.openCase(anna, protection: try world.registerOrder("+48-600"))
        _ = try world.reply(try world.merchant(), caseID: second, refund: "yes", amount: "100,50", message: "Refunded.")
        // Another shop's case must not appear.
        _ = try world.openCase(anna, protection: try world.registerInAnotherShop("OTHER-1"))

        let merchant = try world.merchant()
        #expect(try merchant.get("/merchant/cases").text.contains(#"href="/merchant/export""#))
        let form = try merchant.get("/merchant/export")
        #expect(form.status == 200)
        #expect(form.text.contains(#"name="from""#) && form.text.contains(#"name="to""#))
        // A ?shop= of another shop is not the merchant's to choose: ignored.
        let download = try merchant.get("/merchant/export?download=1&shop=\(world.shopID)")
        #expect(download.status == 200)
        #expect(download.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(download.header("Content-Disposition")?.hasPrefix("attachment; filename=\"cases-") == true)
        #expect(Array(download.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let rows = try pythonRows(download.body)
        #expect(rows.first?.prefix(4) == ["number", "id", "kind", "shop"])
        #expect(rows.count == 3, "a header and this shop's two cases: \(rows)")
        let header = rows[0]
        func cell(_ row: [String], _ name: String) -> String { row[header.firstIndex(of: name)!] }
        let byID = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { (cell($0, "id"), $0) })
        let evil = try #require(byID[first])
        #expect(cell(evil, "order_number") == "'" + formula, "a formula is text")
        #expect(cell(evil, "shop") == "'=Evil, \"Shop\"")
        #expect(cell(evil, "order_value") == "249.99")
        #expect(cell(evil, "state") == "awaiting_merchant")
        #expect(cell(evil, "opened_at").hasSuffix("Z"))
        let replied = try #require(byID[second])
        #expect(cell(replied, "order_number") == "'+48-600")
        #expect(cell(replied, "refund_amount") == "100.50")
        #expect(cell(replied, "state") == "awaiting_customer")
        // The state filter.
        let escalatedOnly = try pythonRows(try merchant.get("/merchant/export?download=1&state=escalated").body)
        #expect(escalatedOnly.count == 1)
    }

    @Test func badDaysAreAnsweredOnTheFormAndAgentsExportAnyShop() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder("A-1"))
        let merchant = try world.merchant()
        for (query, message) in [
            ("from=2026-02-30", "Enter a date like 2026-11-30"), ("to=yesterday", "Enter a date like 2026-11-30"),
            ("from=2026-12-31&to=2026-01-01", "must not be after"), ("from=2020-01-01&to=2026-11-30", "At most two years"),
        ] {
            let reply = try merchant.get("/merchant/export?download=1&" + query)
            #expect(reply.status == 422, "\(query)")
            #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(reply.text.contains(message), "\(query)")
            #expect(reply.text.contains(#"aria-invalid="true""#))
        }
        // Days that hold no case: a file with the header alone.
        let empty = try pythonRows(try merchant.get("/merchant/export?download=1&from=2020-01-01&to=2020-12-31").body)
        #expect(empty.count == 1)

        let agent = try world.agent()
        #expect(try agent.get("/service/shops/\(world.shopID)").text.contains("/service/export?shop=\(world.shopID)"))
        let shop = try pythonRows(try agent.get("/service/export?download=1&shop=\(world.shopID)").body)
        #expect(shop.count == 2)
        #expect(shop[1][1] == caseID)
        let inquiry = try world.openCase(anna, protection: try world.registerOrder("A-2"), option: "other", message: "?")
        let all = try pythonRows(try agent.get("/service/export?download=1").body)
        #expect(all.count == 3, "every case of every shop, inquiries too")
        #expect(all.contains { $0[1] == inquiry && $0[2] == "inquiry" })
        // Merchants cannot reach the service export, strangers no export at all.
        #expect(try merchant.get("/service/export?download=1").status == 404)
        #expect(try stack.browser().get("/merchant/export?download=1").status == 303)
        #expect(try agent.get("/service/export?shop=zzzzzzzzzzzzzzzzzzzzzzzzzz").status == 404)

        // The command line writes the same file.
        let cli = try stack.run(["export", "cases", "--shop", world.shopID])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(try pythonRows(Array(cli.stdout.utf8)).count == 2)
        #expect(try stack.run(["export", "cases", "--from", "2020-01-01", "--to", "2026-11-30"]).status == 2)
    }
}
