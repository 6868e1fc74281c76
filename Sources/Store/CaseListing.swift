import Foundation
import GRDB
import Protection

/// One line of the Control Centre's list: only what the list shows, read in one query
/// with the order number joined in, in the list's own indexed order.
public struct CaseListRow: Sendable {
    public var id: InlineText
    public var number: Int
    public var orderNumber: InlineText
    public var customerEmail: InlineText
    public var reason: CaseReason?
    public var state: CaseState
    public var value: Money
    public var openedAt: Date
    public var merchantDueAt: Date?
    /// Set in the list of returns to confirm: the merchant confirms by then.
    public var returnDueAt: Date? = nil
}

extension CaseListRow {
    /// A line from the first nine columns both list queries select, in their order.
    init(_ row: ColumnReader, merchantDueAt: Date?) throws {
        self.init(
            id: row.inlineText(0), number: row.int(1), orderNumber: row.inlineText(2), customerEmail: row.inlineText(3),
            reason: row.value(4),
            state: row.value(5) ?? .closed, value: Money(minor: row.int64(6), currency: row.currency(7) ?? .euro),
            openedAt: try row.requiredDate(8), merchantDueAt: merchantDueAt)
    }
}

public enum CaseListing {
    /// A page of a shop's cases: waiting for the merchant first (nearest deadline first),
    /// then with the service team, with the customer, closed; `state` narrows it to one.
    /// Composed once: the statement cache finds a statement by its SQL, and composing it
    /// for every request was an allocation per line of SQL.
    static func shopPageSQL(filtered: Bool) -> String { filtered ? filteredShopPageSQL : allShopPageSQL }
    private static let allShopPageSQL = composeShopPageSQL(filtered: false)
    private static let filteredShopPageSQL = composeShopPageSQL(filtered: true)

    private static func composeShopPageSQL(filtered: Bool) -> String {
        """
        SELECT c.id, c.number, c.order_number, c.customer_email, c.reason, c.state, c.amount_minor, c.currency, c.opened_at,
               c.merchant_due_at
        \(shopOrder(filtered: filtered))
        """
    }

    /// A shop's claims in the Control Centre's order, on the list index; shared by the
    /// list page and the shop API. Bound by `shopOrderArguments`.
    static func shopOrder(filtered: Bool) -> String {
        """
        FROM cases c INDEXED BY cases_shop_list
        WHERE c.shop_id = ? AND c.kind = 'claim'\(filtered ? " AND c.list_rank = ? AND c.state = ?" : "")
        ORDER BY c.list_rank, c.list_key LIMIT ? OFFSET ?
        """
    }

    static func shopOrderArguments(shopID: String, state: CaseState?, limit: Int, offset: Int) -> SQLValues {
        var arguments: SQLValues = [shopID]
        if let state { arguments += [CaseRecord.listRank(of: state), state.rawValue] }
        return arguments + [limit, offset]
    }

    /// A page of a shop's cases, each row handed to `each` as it is read, to be made into
    /// the page's line: a page's lines made from an array of rows copied each row and freed
    /// both arrays (callgrind: a reference count per field, a few percent of a list page).
    /// Not generic over the line: a generic across modules is not specialised, and its
    /// lines were copied through value witnesses.
    public static func shopPage(
        _ db: Database, shopID: String, state: CaseState?, limit: Int, offset: Int, each: (CaseListRow) throws -> Void
    ) throws {
        let arguments = shopOrderArguments(shopID: shopID, state: state, limit: limit, offset: offset)
        try db.forEachRow(sql: shopPageSQL(filtered: state != nil), arguments: arguments) { row in
            try each(CaseListRow(row, merchantDueAt: row.date(9)))
        }
    }

    /// A shop's returns waiting for the merchant's confirmation, the nearest deadline first
    /// (`cases_return_due` holds only cases with a return on its way, across shops).
    static let returnsToConfirmSQL = """
        SELECT c.id, c.number, c.order_number, c.customer_email, c.reason, c.state, c.amount_minor, c.currency, c.opened_at,
               c.return_due_at
        FROM cases c INDEXED BY cases_return_due
        WHERE c.return_due_at IS NOT NULL AND c.shop_id = ? AND c.state = 'awaiting_customer' ORDER BY c.return_due_at LIMIT ?
        """
    static let returnsToConfirmCountSQL = """
        SELECT COUNT(*) FROM cases INDEXED BY cases_return_due
        WHERE return_due_at IS NOT NULL AND shop_id = ? AND state = 'awaiting_customer'
        """

    /// The returns to confirm, each with its confirmation deadline as `returnDueAt`, handed
    /// to `each` as they are read (see `shopPage`).
    public static func returnsToConfirm(_ db: Database, shopID: String, limit: Int, each: (CaseListRow) throws -> Void) throws {
        try db.forEachRow(sql: returnsToConfirmSQL, arguments: [shopID, limit]) { row in
            var listed = try CaseListRow(row, merchantDueAt: nil)
            listed.returnDueAt = row.date(9)
            try each(listed)
        }
    }

    public static func returnsToConfirmCount(_ db: Database, shopID: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: returnsToConfirmCountSQL), arguments: [shopID]) ?? 0
    }

    static let openCountsSQL = """
        SELECT state, n FROM counters WHERE scope = 'shop' AND shop_id = ? AND kind = 'claim' AND state != 'closed' AND n != 0
        """

    /// How many of a shop's claims wait in each open state, read from the counters.
    public static func openCounts(_ db: Database, shopID: String) throws -> [CaseState: Int] {
        var counts: [CaseState: Int] = [:]
        for (state, n) in try db.mapRows(sql: openCountsSQL, arguments: [shopID], { row in (row.value(0) as CaseState?, row.int(1)) }) {
            if let state { counts[state] = n }
        }
        return counts
    }
}

/// A case as the shop API lists it.
/// Its texts are written into the JSON as the database holds them, without a String
/// each (`InlineText`).
public struct CaseSummaryRow: Sendable {
    public var id: InlineText
    public var number: Int
    public var protectionID: InlineText
    public var orderNumber: String
    public var reason: InlineText?
    public var state: InlineText
    public var openedAt: APITime
    public var merchantDueAt: APITime?
    public var customerDueAt: APITime?
    public var closure: InlineText?
}

extension CaseListing {
    static let summaryColumns = """
        c.id, c.number, c.protection_id, c.order_number, c.reason, c.state, c.opened_at,
        CASE WHEN c.state = 'awaiting_merchant' THEN c.merchant_due_at END,
        CASE WHEN c.state = 'awaiting_customer' THEN c.customer_due_at END, c.closure
        """

    static func summary(_ row: ColumnReader) throws -> CaseSummaryRow {
        CaseSummaryRow(
            id: row.inlineText(0), number: row.int(1), protectionID: row.inlineText(2), orderNumber: row.text(3),
            reason: row.optionalInlineText(4), state: row.inlineText(5), openedAt: try row.requiredAPITime(6),
            merchantDueAt: row.apiTime(7), customerDueAt: row.apiTime(8), closure: row.optionalInlineText(9))
    }

    /// The shop API's `GET /api/v1/cases`, in the Control Centre's order.
    static func apiPageSQL(filtered: Bool) -> String { filtered ? filteredAPIPageSQL : allAPIPageSQL }
    private static let allAPIPageSQL = composeAPIPageSQL(filtered: false)
    private static let filteredAPIPageSQL = composeAPIPageSQL(filtered: true)

    private static func composeAPIPageSQL(filtered: Bool) -> String {
        """
        SELECT \(summaryColumns)
        \(shopOrder(filtered: filtered))
        """
    }

    /// The page's cases written into `json` one by one as they are read. A list of a
    /// hundred summaries made first, grown, copied and freed was a tenth of the request
    /// (callgrind); each is written from its columns (`JSONWriter.caseSummary(columns:)`).
    package static func writeAPIPage(
        _ db: Database, shopID: String, state: CaseState?, limit: Int, offset: Int, to json: inout JSONWriter
    ) throws {
        let arguments = shopOrderArguments(shopID: shopID, state: state, limit: limit, offset: offset)
        try db.forEachRow(sql: apiPageSQL(filtered: state != nil), arguments: arguments) { row in
            try json.caseSummary(columns: row)
        }
    }

    /// The case of a protection, as the API summarises it.
    public static func claimSummary(_ db: Database, protectionID: String) throws -> CaseSummaryRow? {
        try db.mapRows(
            sql: "SELECT \(summaryColumns) FROM cases c WHERE c.protection_id = ? AND c.kind = 'claim'", arguments: [protectionID],
            summary
        ).first
    }
}

/// One line of the review queue: only what the queue shows, read by column position
/// (decoding whole case records by column name was most of the page).
public struct QueueListRow: Sendable {
    public var id: InlineText
    public var number: Int
    public var shopID: InlineText
    public var kind: CaseKind
    public var orderValue: Money
    public var escalation: EscalationReason?
    /// When it joined the queue (an inquiry: when it was sent).
    public var queuedAt: Date
    public var orderNumber: InlineText
    public var shopName: InlineText
    public var agentEmail: String?
    /// A payout proposed by one agent waits for a second one.
    public var awaitingApproval: Bool
    /// The nearest deadline of the documents the service team asked for, if any.
    public var documentsDue: Date?
}

extension CaseListing {
    /// A page of the queue, oldest first; `conditions` and `arguments` are its filters
    /// (`ListSQL.queue`), followed by limit and offset.
    /// Each row is handed to `each` as it is read (see `shopPage`).
    public static func queuePage(_ db: Database, conditions: [String], arguments: SQLValues, each: (QueueListRow) throws -> Void) throws {
        try db.forEachRow(sql: ListSQL.queue(conditions: conditions), arguments: arguments) { row in
            try each(queueRow(row))
        }
    }

    @inline(__always)
    private static func queueRow(_ row: ColumnReader) throws -> QueueListRow {
        QueueListRow(
            id: row.inlineText(0), number: row.int(1), shopID: row.inlineText(2), kind: row.value(3) ?? .claim,
            orderValue: Money(minor: row.int64(4), currency: row.currency(5) ?? .euro), escalation: row.value(6),
            queuedAt: try row.date(7) ?? row.requiredDate(8), orderNumber: row.inlineText(9), shopName: row.inlineText(10),
            agentEmail: row.optionalText(11), awaitingApproval: row.bool(12), documentsDue: row.date(13))
    }
}
