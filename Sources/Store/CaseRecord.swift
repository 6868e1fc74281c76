import Foundation
import GRDB
import Protection

/// A case (or an inquiry) as stored: the domain's `CaseFile` plus who it belongs to.
public struct CaseRecord: Sendable, Equatable {
    public var id: String
    public var number: Int
    public var protectionID: String
    public var shopID: String
    public var customerEmail: String
    public var file: CaseFile
    public var updatedAt: Date

    public init(id: String, number: Int, protectionID: String, shopID: String, customerEmail: String, file: CaseFile, updatedAt: Date) {
        self.id = id
        self.number = number
        self.protectionID = protectionID
        self.shopID = shopID
        self.customerEmail = customerEmail
        self.file = file
        self.updatedAt = updatedAt
    }

    public var ownership: CaseOwnership {
        CaseOwnership(kind: file.kind, shopID: shopID, customerEmail: customerEmail)
    }
}

extension CaseRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cases"

    public init(row: Row) throws {
        let currency = Currency(code: row["currency"]) ?? .euro
        func money(_ column: String) -> Money? {
            (row[column] as Int64?).map { Money(minor: $0, currency: currency) }
        }
        // Agent ids are base32 and never hold a comma.
        func list(_ column: String) -> [String] {
            (row[column] as String?).map { $0.split(separator: ",").map(String.init) } ?? []
        }
        var file = CaseFile(
            kind: CaseKind(rawValue: row["kind"]) ?? .claim,
            reason: (row["reason"] as String?).flatMap(CaseReason.init(rawValue:)),
            state: CaseState(rawValue: row["state"]) ?? .closed,
            orderValue: Money(minor: row["amount_minor"], currency: currency), openedAt: row.requiredDate("opened_at"))
        file.merchantDueAt = row.date("merchant_due_at")
        file.customerDueAt = row.date("customer_due_at")
        file.merchantRemindedAt = row.date("merchant_reminded_at")
        file.customerRemindedAt = row.date("customer_reminded_at")
        if let refund = (row["refund"] as String?).flatMap(RefundIntent.init(rawValue:)),
            let variant = (row["variant"] as String?).flatMap(Variant.init(rawValue:))
        {
            file.reply = MerchantReply(refund: refund, amount: money("refund_amount_minor"), variant: variant)
        }
        file.repliedAt = row.date("replied_at")
        file.escalation = (row["escalation_reason"] as String?).flatMap(EscalationReason.init(rawValue:))
        file.escalatedAt = row.date("escalated_at")
        file.closure = (row["closure"] as String?).flatMap(Closure.init(rawValue:))
        file.closedAt = row.date("closed_at")
        if let outcome = (row["outcome"] as String?).flatMap(ServiceOutcome.init(rawValue:)) {
            file.decision = ServiceDecision(outcome: outcome, amount: money("decision_amount_minor"), agents: list("decided_by"))
        }
        file.assignedAgentID = row["assigned_agent_id"]
        if let amount = money("proposal_amount_minor"), let agent: String = row["proposed_by"] {
            file.proposal = PayoutProposal(
                amount: amount, agentID: agent, text: row["proposal_text"] ?? "", at: row.requiredDate("proposed_at"))
        }
        if let party = (row["appeal_party"] as String?).flatMap(Party.init(rawValue:)) {
            file.appeal = Appeal(party: party, at: row.requiredDate("appealed_at"), excludedAgents: list("appeal_excluded_agents"))
        }
        if let carrier = (row["return_carrier"] as String?).flatMap(ReturnCarrier.init(rawValue:)) {
            file.returnShipment = ReturnShipment(
                carrier: carrier, tracking: row["return_tracking"], sentAt: row.requiredDate("return_sent_at"))
        }
        file.returnDueAt = row.date("return_due_at")
        file.goodsReceivedAt = row.date("goods_received_at")
        file.refundDueAt = row.date("refund_due_at")
        file.customerTimeLeft = row["customer_time_left"]
        self.init(
            id: row["id"], number: row["number"], protectionID: row["protection_id"], shopID: row["shop_id"],
            customerEmail: row["customer_email"], file: file, updatedAt: row.requiredDate("updated_at"))
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["number"] = number
        container["kind"] = file.kind.rawValue
        container["protection_id"] = protectionID
        container["shop_id"] = shopID
        container["customer_email"] = customerEmail
        container["reason"] = file.reason?.rawValue
        container["state"] = file.state.rawValue
        container["amount_minor"] = file.orderValue.minor
        container["currency"] = file.orderValue.currency.code
        container["opened_at"] = StoredDate(file.openedAt)
        container["merchant_due_at"] = StoredDate(file.merchantDueAt)
        container["customer_due_at"] = StoredDate(file.customerDueAt)
        container["merchant_reminded_at"] = StoredDate(file.merchantRemindedAt)
        container["customer_reminded_at"] = StoredDate(file.customerRemindedAt)
        container["refund"] = file.reply?.refund.rawValue
        container["refund_amount_minor"] = file.reply?.amount?.minor
        container["variant"] = file.reply?.variant.rawValue
        container["replied_at"] = StoredDate(file.repliedAt)
        container["escalation_reason"] = file.escalation?.rawValue
        container["escalated_at"] = StoredDate(file.escalatedAt)
        container["closure"] = file.closure?.rawValue
        container["closed_at"] = StoredDate(file.closedAt)
        container["outcome"] = file.decision?.outcome.rawValue
        container["decision_amount_minor"] = file.decision?.amount?.minor
        container["assigned_agent_id"] = file.assignedAgentID
        container["decided_by"] = file.decision.map { $0.agents.joined(separator: ",") }
        container["proposal_amount_minor"] = file.proposal?.amount.minor
        container["proposed_by"] = file.proposal?.agentID
        container["proposed_at"] = StoredDate(file.proposal?.at)
        container["proposal_text"] = file.proposal?.text
        container["appeal_party"] = file.appeal?.party.rawValue
        container["appealed_at"] = StoredDate(file.appeal?.at)
        container["appeal_excluded_agents"] = file.appeal.map { $0.excludedAgents.joined(separator: ",") }
        container["return_carrier"] = file.returnShipment?.carrier.rawValue
        container["return_tracking"] = file.returnShipment?.tracking
        container["return_sent_at"] = StoredDate(file.returnShipment?.sentAt)
        container["return_due_at"] = StoredDate(file.returnDueAt)
        container["goods_received_at"] = StoredDate(file.goodsReceivedAt)
        container["refund_due_at"] = StoredDate(file.refundDueAt)
        container["customer_time_left"] = file.customerTimeLeft
        container["queued_at"] = StoredDate(file.queuedAt)
        container["list_rank"] = listRank
        container["list_key"] = listKey
        container["updated_at"] = StoredDate(updatedAt)
    }

    /// The Control Centre's order, kept in two indexed columns so a shop with tens of
    /// thousands of cases lists a page without sorting them all: cases waiting for the
    /// merchant first (nearest deadline first), then with the service team, then with
    /// the customer, then closed; within each, the most recently changed first.
    public static func listRank(of state: CaseState) -> Int {
        switch state {
        case .awaitingMerchant: 0
        case .escalated, .open: 1
        case .awaitingCustomer: 2
        case .closed: 3
        }
    }

    var listRank: Int { Self.listRank(of: file.state) }

    var listKey: Int64 {
        if file.state == .awaitingMerchant, let due = file.merchantDueAt { return Int64(due.timeIntervalSince1970) }
        return -Int64(updatedAt.timeIntervalSince1970)
    }
}

extension CaseRecord {
    public static func find(_ db: Database, id: String) throws -> CaseRecord? {
        // Read by position (`ColumnReader`): a GRDB Row made a dictionary of the column
        // names for every row and looked up each of forty columns by name, a fifth of a
        // case page (callgrind). `CaseRecordReadTests` compares it with `init(row:)`.
        try db.mapRows(sql: findSQL, arguments: [id], CaseRecord.init(columns:)).first
    }

    /// The columns `init(columns:)` reads, in its order (`c` is the cases table).
    static let selectedColumns = """
        c.id, c.number, c.protection_id, c.shop_id, c.customer_email, c.kind, c.reason, c.state, c.amount_minor, c.currency,
        c.opened_at, c.merchant_due_at, c.customer_due_at, c.merchant_reminded_at, c.customer_reminded_at,
        c.refund, c.refund_amount_minor, c.variant, c.replied_at, c.escalation_reason, c.escalated_at, c.closure, c.closed_at,
        c.outcome, c.decision_amount_minor, c.decided_by, c.assigned_agent_id,
        c.proposal_amount_minor, c.proposed_by, c.proposed_at, c.proposal_text, c.appeal_party, c.appealed_at, c.appeal_excluded_agents,
        c.return_carrier, c.return_tracking, c.return_sent_at, c.return_due_at, c.goods_received_at, c.refund_due_at,
        c.customer_time_left, c.updated_at
        """

    /// How many columns a case takes in a joined row.
    static let columnCount = selectedColumns.split(separator: ",").count

    static let findSQL = "SELECT \(selectedColumns) FROM cases c WHERE c.id = ?"

    /// A case from the columns of `selectedColumns`, in their order; the same as `init(row:)`.
    init(columns row: ColumnReader) throws {
        let currency = row.currency(9) ?? .euro
        func money(_ column: Int) -> Money? { row.optionalInt64(column).map { Money(minor: $0, currency: currency) } }
        var file = CaseFile(
            kind: row.value(5) ?? .claim, reason: row.value(6), state: row.value(7) ?? .closed,
            orderValue: Money(minor: row.int64(8), currency: currency), openedAt: try row.requiredDate(10))
        file.merchantDueAt = row.date(11)
        file.customerDueAt = row.date(12)
        file.merchantRemindedAt = row.date(13)
        file.customerRemindedAt = row.date(14)
        if let refund = row.optionalText(15).flatMap(RefundIntent.init(rawValue:)),
            let variant = row.optionalText(17).flatMap(Variant.init(rawValue:))
        {
            file.reply = MerchantReply(refund: refund, amount: money(16), variant: variant)
        }
        file.repliedAt = row.date(18)
        file.escalation = row.value(19)
        file.escalatedAt = row.date(20)
        file.closure = row.optionalText(21).flatMap(Closure.init(rawValue:))
        file.closedAt = row.date(22)
        if let outcome = row.optionalText(23).flatMap(ServiceOutcome.init(rawValue:)) {
            file.decision = ServiceDecision(outcome: outcome, amount: money(24), agents: row.commaList(25))
        }
        file.assignedAgentID = row.optionalText(26)
        if let amount = money(27), let agent = row.optionalText(28) {
            file.proposal = PayoutProposal(amount: amount, agentID: agent, text: row.optionalText(30) ?? "", at: try row.requiredDate(29))
        }
        if let party = row.optionalText(31).flatMap(Party.init(rawValue:)) {
            file.appeal = Appeal(party: party, at: try row.requiredDate(32), excludedAgents: row.commaList(33))
        }
        if let carrier = row.optionalText(34).flatMap(ReturnCarrier.init(rawValue:)) {
            file.returnShipment = ReturnShipment(carrier: carrier, tracking: row.optionalText(35), sentAt: try row.requiredDate(36))
        }
        file.returnDueAt = row.date(37)
        file.goodsReceivedAt = row.date(38)
        file.refundDueAt = row.date(39)
        file.customerTimeLeft = row.optionalDouble(40)
        self.init(
            id: row.text(0), number: row.int(1), protectionID: row.text(2), shopID: row.text(3), customerEmail: row.text(4),
            file: file, updatedAt: try row.requiredDate(41))
    }

    public static func claim(_ db: Database, protectionID: String) throws -> CaseRecord? {
        try CaseRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM cases WHERE protection_id = ? AND kind = 'claim'"), arguments: [protectionID])
    }

    /// Every column but the id.
    static let updatableColumns = [
        "number", "kind", "protection_id", "shop_id", "customer_email", "reason", "state", "amount_minor", "currency", "opened_at",
        "merchant_due_at", "customer_due_at", "merchant_reminded_at", "customer_reminded_at", "refund", "refund_amount_minor",
        "variant", "replied_at", "escalation_reason", "escalated_at", "closure", "closed_at", "outcome", "decision_amount_minor",
        "assigned_agent_id", "queued_at", "list_rank", "list_key", "updated_at", "decided_by", "proposal_amount_minor", "proposed_by",
        "proposed_at", "proposal_text", "appeal_party", "appealed_at", "appeal_excluded_agents", "return_carrier", "return_tracking",
        "return_sent_at", "return_due_at", "goods_received_at", "refund_due_at", "customer_time_left",
    ]

    /// Writes back the columns that differ from `original` (the row as it was loaded).
    /// SQLite rewrites the entry of every index over a column named in an UPDATE, and the
    /// cases table has fourteen: setting every column made an escalation rewrite all of
    /// them where half change (the sweeper spent 40% of its time in that UPDATE). A
    /// transition changes a handful of columns, so there are few distinct statements to cache.
    public func save(_ db: Database, from original: CaseRecord) throws {
        let values = try databaseDictionary
        let before = try original.databaseDictionary
        let changed = Self.updatableColumns.filter { values[$0] != before[$0] }
        guard !changed.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "UPDATE cases SET " + changed.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = ?")
        try statement.execute(arguments: StatementArguments(changed.map { values[$0] ?? .null } + [id.databaseValue]))
        guard db.changesCount == 1 else { throw RecordError.recordNotFound(databaseTableName: "cases", key: ["id": id.databaseValue]) }
    }

    /// The next human case number. Called inside the write transaction that inserts the
    /// case, so two cases never get the same one.
    public static func nextNumber(_ db: Database) throws -> Int {
        (try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(number) FROM cases")) ?? 100_000) + 1
    }
}
