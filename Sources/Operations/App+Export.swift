import Foundation
import GRDB
import Protection
import Store

/// CSV exports of cases (merchants: their shop's claims; the service team: a shop's or
/// every case; `bp export cases`), streamed in pieces so memory stays flat however many
/// rows there are.
extension App {
    public struct ExportFilter: Sendable {
        public var shopID: String?
        public var state: CaseState?
        public var range: ExportRange
        public init(shopID: String?, state: CaseState?, range: ExportRange) {
            self.shopID = shopID
            self.state = state
            self.range = range
        }
    }

    /// Today as days since 1970-01-01 in the operator's time zone.
    public func today() -> Int {
        let now = now()
        return Int((now.timeIntervalSince1970 + Double(config.timeZone.secondsFromGMT(for: now))) / 86_400)
    }

    /// Midnight at the start of a day (days since 1970) in the operator's time zone.
    func startOfDay(_ day: Int) -> Date {
        let utcMidnight = Date(timeIntervalSince1970: Double(day) * 86_400)
        return utcMidnight - Double(config.timeZone.secondsFromGMT(for: utcMidnight))
    }

    /// The file's name: the shop (or "all"), the days, and `.csv`.
    public func exportFileName(_ filter: ExportFilter, shopName: String?) -> String {
        let shop = (shopName ?? "all").lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        let safe = shop.unicodeScalars.allSatisfy(\.isASCII) ? shop : "shop"
        return "cases-\(safe.prefix(40))-\(ExportRange.text(filter.range.firstDay))-\(ExportRange.text(filter.range.lastDay)).csv"
    }

    /// Writes the export through `write`, a piece of about 64 KB at a time; returns the
    /// number of cases. One read transaction: the file is one consistent moment.
    @discardableResult
    public func exportCases(_ filter: ExportFilter, write: ([UInt8]) throws -> Void) throws -> Int {
        var csv = CSVWriter()
        csv.record(CaseExport.columns)
        var count = 0
        try database.read { db in
            try CaseExport.each(
                db, shopID: filter.shopID, state: filter.state, start: startOfDay(filter.range.firstDay),
                end: startOfDay(filter.range.lastDay + 1)
            ) { fields in
                csv.record(fields)
                count += 1
                if csv.bytes.count >= 64 * 1024 { try write(csv.take()) }
            }
        }
        try write(csv.take())
        return count
    }
}
