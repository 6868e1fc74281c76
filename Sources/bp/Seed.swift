import ArgumentParser
import Foundation
import GRDB
import Operations

struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill an empty data folder with data at scale; prints one JSON line to sign in with.")

    @Option(help: "Shops.") var shops = 1000
    @Option(help: "Protected orders.") var protections = 1_000_000
    @Option(help: "Cases among them.") var cases = 100_000
    @Option(name: .customLong("big-shop-cases"), help: "Cases of the first shop (the big one).") var bigShopCases = 20_000
    @Option(help: "Cases already past the merchant's deadline (work for the next sweeper pass).") var due = 0

    func validate() throws {
        guard shops >= 1, protections >= 0, cases >= 0, cases <= protections, bigShopCases <= cases, due <= cases else {
            throw ValidationError("need shops ≥ 1 and due ≤ big-shop-cases ≤ cases ≤ protections")
        }
    }

    func run() throws {
        let app = try Setup.app()
        let existing = try app.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shops") ?? 0 }
        guard existing == 0 else {
            Setup.fail("bp seed wants an empty data folder; \(app.config.dataDirectory) has \(existing) shops", code: 2)
        }
        var plan = App.SeedPlan()
        plan.shops = shops
        plan.protections = protections
        plan.cases = cases
        plan.bigShopCases = bigShopCases
        plan.dueCases = due
        let started = Date()
        let result = try app.seed(plan) { line in
            FileHandle.standardError.write(Data((String(format: "[%6.1f s] ", Date().timeIntervalSince(started)) + line + "\n").utf8))
        }
        FileHandle.standardError.write(Data(String(format: "seeded in %.1f s\n", Date().timeIntervalSince(started)).utf8))
        Setup.printJSON([
            "shop_id": result.bigShopID, "api_key": result.apiKey,
            "merchant_email": result.merchantEmail, "merchant_password": result.password,
            "agent_email": result.agentEmail, "agent_password": result.password,
        ])
    }
}
