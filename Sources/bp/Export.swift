import ArgumentParser
import Foundation
import Operations
import Protection
import Store

/// `bp export cases`: the CSV of the pages' export, on standard output.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write cases as CSV (RFC 4180, UTF-8 with a BOM) to standard output.", subcommands: [Cases.self])

    struct Cases: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cases opened between two days (both included, at most two years): one shop's claims, or every case.")

        @Option(help: "Only this shop's claims (its id); every case of every shop without it.") var shop: String?
        @Option(help: "The first day, YYYY-MM-DD (default: 90 days before --to).") var from: String?
        @Option(help: "The last day, YYYY-MM-DD (default: today in BP_TIMEZONE).") var to: String?
        @Option(help: "Only cases in this state (awaiting_merchant, awaiting_customer, escalated, closed).") var state: String?

        func run() throws {
            let app = try Setup.app()
            let stateValue: CaseState?
            if let state {
                guard let value = CaseState(rawValue: state), value != .open else {
                    Setup.fail("--state must be awaiting_merchant, awaiting_customer, escalated or closed, not \"\(state)\"", code: 2)
                }
                stateValue = value
            } else {
                stateValue = nil
            }
            if let shop, try app.database.read({ db in try ShopRecord.find(db, id: shop) }) == nil {
                Setup.fail("no shop with the id \(shop)", code: 2)
            }
            let range: ExportRange
            switch ExportRange.parse(from: from, to: to, today: app.today()) {
            case .success(let value): range = value
            case .failure(.fromInvalid): Setup.fail("--from must be a date like 2026-11-30", code: 2)
            case .failure(.toInvalid): Setup.fail("--to must be a date like 2026-11-30", code: 2)
            case .failure(.reversed): Setup.fail("--from must not be after --to", code: 2)
            case .failure(.tooLong): Setup.fail("at most two years (731 days) in one export", code: 2)
            }
            let output = FileHandle.standardOutput
            let count = try app.exportCases(.init(shopID: shop, state: stateValue, range: range)) { bytes in
                try output.write(contentsOf: Data(bytes))
            }
            FileHandle.standardError.write(Data("\(count) cases\n".utf8))
        }
    }
}
