import Foundation
import GRDB
import Protection

/// The rows of a CSV export, read with a cursor (one row in memory at a time) inside one
/// read transaction, in the order the cases were opened.
public enum CaseExport {
    public static let columns = [
        "number", "id", "kind", "shop", "order_number", "customer_email", "reason", "state", "order_value", "currency",
        "opened_at", "merchant_due_at", "customer_due_at", "replied_at", "refund", "refund_amount", "escalation_reason",
        "escalated_at", "closure", "outcome", "decision_amount", "closed_at",
    ]

    static func sql(shop: Bool, state: Bool) -> String {
        """
        SELECT c.number, c.id, c.kind, s.name, c.order_number, c.customer_email, c.reason, c.state, c.amount_minor, c.currency,
               c.opened_at, c.merchant_due_at, c.customer_due_at, c.replied_at, c.refund, c.refund_amount_minor,
               c.escalation_reason, c.escalated_at, c.closure, c.outcome, c.decision_amount_minor, c.closed_at
        FROM cases c INDEXED BY cases_opened JOIN shops s ON s.id = c.shop_id
        WHERE c.opened_at >= ? AND c.opened_at < ?\(shop ? " AND c.shop_id = ? AND c.kind = 'claim'" : "")\
        \(state ? " AND c.state = ?" : "")
        ORDER BY c.opened_at
        """
    }

    /// Calls `each` with the export's columns (as `columns` names them) for every case
    /// opened in `[start, end)`, of one shop's claims or of every case.
    public static func each(
        _ db: Database, shopID: String?, state: CaseState?, start: Date, end: Date, _ each: ([String?]) throws -> Void
    ) throws {
        var arguments: StatementArguments = [start, end]
        if let shopID { arguments += [shopID] }
        if let state { arguments += [state.rawValue] }
        let cursor = try Row.fetchCursor(db, sql: sql(shop: shopID != nil, state: state != nil), arguments: arguments)
        while let row = try cursor.next() {
            let currency = Currency(code: row[9]) ?? .euro
            func money(_ index: Int) -> String? { (row[index] as Int64?).map { Money(minor: $0, currency: currency).plainDecimal } }
            func time(_ index: Int) -> String? { row.date(index).map(ISO8601.string) }
            try each([
                String(row[0] as Int), row[1], row[2], row[3], row[4], row[5], row[6], row[7], money(8), currency.code,
                time(10), time(11), time(12), time(13), row[14], money(15), row[16], time(17), row[18], row[19], money(20), time(21),
            ])
        }
    }
}
