/// The SQL of every page that lists, counts or charts, kept together so a test can check
/// each plan (EXPLAIN QUERY PLAN) for a full scan of a large table. Each names the index
/// it is meant to use where SQLite might otherwise pick a worse one.
public enum ListSQL {
    /// A customer's protections with their claim, newest first (`protections_customer`).
    public static let account = """
        SELECT p.*, s.name AS shop_name, c.id AS case_id, c.state AS case_state, c.number AS case_number,
               c.merchant_due_at AS c_merchant_due, c.customer_due_at AS c_customer_due
        FROM protections p JOIN shops s ON s.id = p.shop_id
        LEFT JOIN cases c ON c.protection_id = p.id AND c.kind = 'claim'
        WHERE p.customer_email = ? ORDER BY p.activated_at DESC LIMIT 200
        """

    /// The review queue, oldest first, from the covering `cases_queue` alone: a case
    /// carries its shop's name and its open document requests' nearest deadline
    /// (`CaseCopies`). `conditions` are the filters (on columns the index holds). An
    /// agent's address is looked up only for a line that has one (a join looked up
    /// every line's, NULL or not).
    public static func queue(conditions: [String]) -> String {
        conditions.isEmpty ? wholeQueue : composeQueue(conditions: conditions)
    }

    /// The unfiltered queue's SQL, composed once (the queue as most agents see it).
    private static let wholeQueue = composeQueue(conditions: [])

    private static func composeQueue(conditions: [String]) -> String {
        """
        SELECT c.id, c.number, c.shop_id, c.kind, c.amount_minor, c.currency, c.escalation_reason, c.queued_at, c.opened_at,
               c.order_number, c.shop_name,
               CASE WHEN c.assigned_agent_id IS NOT NULL THEN (SELECT email FROM users WHERE id = c.assigned_agent_id) END,
               c.proposed_by IS NOT NULL AS awaiting_approval, c.documents_due_at
        FROM cases c INDEXED BY cases_queue
        WHERE \((["c.queued_at IS NOT NULL"] + conditions).joined(separator: " AND ")) ORDER BY c.queued_at LIMIT ? OFFSET ?
        """
    }

    /// Open cases per state, from the counters (`Counters`).
    public static let dashboardStates = """
        SELECT state, n FROM counters WHERE scope = 'state' AND shop_id = '' AND kind = '' AND state != 'closed'
        """
    public static let dashboardReasons = """
        SELECT escalation_reason AS reason, COUNT(*) AS n FROM cases INDEXED BY cases_state
        WHERE state = 'escalated' GROUP BY escalation_reason
        """
    public static let dashboardOpened = "SELECT opened_at FROM cases INDEXED BY cases_opened WHERE opened_at >= ? AND kind = 'claim'"
    public static let dashboardClosed = """
        SELECT opened_at, closed_at FROM cases INDEXED BY cases_closed WHERE closed_at >= ? AND kind = 'claim'
        """
    public static let dashboardReplied = "SELECT opened_at, replied_at FROM cases INDEXED BY cases_replied WHERE replied_at >= ?"
    public static let dashboardShops = """
        SELECT c.shop_id, s.name, COUNT(*) AS n FROM cases c INDEXED BY cases_escalated JOIN shops s ON s.id = c.shop_id
        WHERE c.escalated_at >= ? GROUP BY c.shop_id ORDER BY n DESC, s.name LIMIT 10
        """
    /// The review queue's size, from the counters.
    public static let dashboardQueued = "SELECT n FROM counters WHERE scope = 'queue' AND shop_id = '' AND kind = '' AND state = ''"

    /// A shop's claims per state, from the counters.
    public static let shopCasesByState = """
        SELECT state, n FROM counters WHERE scope = 'shop' AND shop_id = ? AND kind = 'claim'
        """
    public static let shopActiveProtections = """
        SELECT COUNT(*) FROM protections INDEXED BY protections_shop_state WHERE shop_id = ? AND state = 'active' AND expires_at > ?
        """

    /// The mail page: what waits or failed, and the latest delivered (`outbox_state`).
    public static let mailWaiting = """
        SELECT * FROM outbox INDEXED BY outbox_state WHERE state IN ('pending', 'sending', 'failed')
        ORDER BY state = 'failed' DESC, next_attempt_at LIMIT 200
        """
    public static let mailRecent = "SELECT * FROM outbox INDEXED BY outbox_state WHERE state = 'sent' ORDER BY created_at DESC LIMIT 20"

    /// Each query with as many placeholder arguments as it binds, for the plan test.
    public static let planned: [(name: String, sql: String, arguments: Int)] = [
        ("account", account, 1),
        ("queue", queue(conditions: []), 2),
        ("queue by reason", queue(conditions: ["c.escalation_reason = ? AND c.state = 'escalated'"]), 3),
        ("queue by shop", queue(conditions: ["c.shop_id = ?"]), 3),
        ("queue mine", queue(conditions: ["c.assigned_agent_id = ?"]), 3),
        ("dashboard states", dashboardStates, 0), ("dashboard reasons", dashboardReasons, 0),
        ("dashboard opened", dashboardOpened, 1), ("dashboard closed", dashboardClosed, 1),
        ("dashboard replied", dashboardReplied, 1), ("dashboard shops", dashboardShops, 1),
        ("dashboard queued", dashboardQueued, 0),
        ("shop cases by state", shopCasesByState, 1), ("shop active protections", shopActiveProtections, 2),
        ("mail waiting", mailWaiting, 0), ("mail recent", mailRecent, 0),
        ("merchant list", CaseListing.shopPageSQL(filtered: false), 3),
        ("merchant list by state", CaseListing.shopPageSQL(filtered: true), 5),
        ("merchant counts", CaseListing.openCountsSQL, 1),
        ("merchant returns to confirm", CaseListing.returnsToConfirmSQL, 2),
        ("merchant returns to confirm, counted", CaseListing.returnsToConfirmCountSQL, 1),
        ("api cases", CaseListing.apiPageSQL(filtered: false), 3),
        ("api cases by state", CaseListing.apiPageSQL(filtered: true), 5),
        ("session lookup", Sessions.viewerSQL, 1),
        ("timeline", EventRecord.timelineSQL, 2),
        ("documents of a case", DocumentRecord.visibleSQL, 2),
        ("outbox due", Outbox.dueSQL, 2),
        ("document requests due", DocumentRequests.dueSQL, 2),
        ("sessions of a user", Sessions.userSessionsSQL, 2),
        ("search by case number", CaseSearch.byNumberSQL(shop: false), 1),
        ("search by case number in a shop", CaseSearch.byNumberSQL(shop: true), 2),
        ("search by order", CaseSearch.byOrderSQL(shop: false), 3),
        ("search by order in a shop", CaseSearch.byOrderSQL(shop: true), 4),
        ("search by email", CaseSearch.byEmailSQL(shop: false), 2),
        ("search by email in a shop", CaseSearch.byEmailSQL(shop: true), 3),
    ]
}
