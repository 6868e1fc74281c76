import Crypto
import Foundation
import GRDB
import Protection
import Store

/// `bp seed`: a data folder at scale for benchmarks and for trying the product with
/// realistic volume. Rows are written directly with prepared statements in large
/// transactions (not through the operations, which would take hours for a million
/// protections), but with the same shapes the operations write: states spread as in
/// real life, deadlines consistent with the states, events for every case, a few
/// documents, one big shop with many cases.
extension App {
    public struct SeedPlan: Sendable {
        public var shops = 1000
        public var protections = 1_000_000
        public var cases = 100_000
        public var bigShopCases = 20_000
        /// Cases whose deadline has already passed (work for the next sweeper pass).
        public var dueCases = 0
        public init() {}
    }

    public struct SeedResult: Sendable {
        public var bigShopID: String
        public var apiKey: String
        public var merchantEmail: String
        public var agentEmail: String
        public var password: String
    }

    public static let seedPassword = "seed-password"

    public func seed(_ plan: SeedPlan, progress: (String) -> Void) throws -> SeedResult {
        var rng = SeededGenerator(seed: 20_261_125)
        let now = now()
        let deadlines = config.deadlines
        let passwordHash = try Passwords.hash(Self.seedPassword)
        let bigKey = "bpk_" + Secrets.newToken()
        var shopIDs: [String] = []
        let nameParts = ["Zielony", "Szybki", "Mały", "Nowy", "Dobry", "Tani", "Polski", "Miejski"]
        let nameKinds = ["Sklep", "Dom", "Butik", "Market", "Rynek", "Kram"]

        try database.write { db in
            let shop = try db.makeStatement(
                sql: """
                    INSERT INTO shops (id, name, notification_emails, currency, coverage_limit_minor, locale, api_key_hash, created_at)
                    VALUES (?, ?, ?, 'PLN', ?, 'pl', ?, ?)
                    """)
            for i in 0..<plan.shops {
                let id = Secrets.newID()
                shopIDs.append(id)
                let key = i == 0 ? bigKey : "bpk_" + Secrets.newToken()
                let name = i == 0 ? "Big Shop" : "\(nameParts[i % nameParts.count]) \(nameKinds[(i / 8) % nameKinds.count]) \(i)"
                try shop.execute(arguments: [id, name, "cases@shop\(i).example", 250_000, Secrets.hash(key), now - 400 * Deadlines.day])
            }
            try db.execute(
                sql: """
                    INSERT INTO users (id, role, shop_id, email, password_hash, locale, created_at) VALUES (?, 'merchant', ?, ?, ?, 'en', ?)
                    """, arguments: [Secrets.newID(), shopIDs[0], "merchant@big-shop.example", passwordHash, now])
            try db.execute(
                sql: """
                    INSERT INTO users (id, role, shop_id, email, password_hash, locale, created_at) VALUES (?, 'agent', NULL, ?, ?, 'en', ?)
                    """, arguments: [Secrets.newID(), "agent@seed.example", passwordHash, now])
        }
        progress("shops: \(plan.shops)")

        // A few documents, on the big shop's first cases, so downloads can be tried: their
        // opening events carry the file's hash in their chain (EventChain).
        let sample = Array("%PDF-1.4\n% seed document\n%%EOF\n".utf8)
        let sampleHash = Secrets.hex(SHA256.hash(data: sample))
        var withDocument: [String] = []

        // Protections: activated over the last 120 days; cases are opened on some of them.
        let batch = 50_000
        var caseSlots = Set<Int>()
        while caseSlots.count < min(plan.cases, plan.protections) { caseSlots.insert(Int.random(in: 0..<plan.protections, using: &rng)) }
        let caseIndexes = caseSlots.sorted()
        var nextCase = 0
        var caseNumber = 100_000
        var written = 0
        var bigShopCases = 0
        while written < plan.protections {
            let upper = min(plan.protections, written + batch)
            try database.write { db in
                let protection = try db.makeStatement(
                    sql: """
                        INSERT INTO protections (id, shop_id, order_number, order_date, amount_minor, currency, customer_email, locale, state,
                                                 activated_at, expires_at, reminder_at, reminder_sent_at, ended_at)
                        VALUES (?, ?, ?, ?, ?, 'PLN', ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let caseInsert = try db.makeStatement(
                    sql: """
                        INSERT INTO cases (id, number, kind, protection_id, shop_id, customer_email, reason, state, amount_minor, currency,
                                           opened_at, merchant_due_at, customer_due_at, refund, refund_amount_minor, variant, replied_at,
                                           escalation_reason, escalated_at, closure, closed_at, queued_at, list_rank, list_key, updated_at)
                        VALUES (?, ?, 'claim', ?, ?, ?, ?, ?, ?, 'PLN', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let event = try db.makeStatement(
                    sql: """
                        INSERT INTO events (case_id, at, actor_kind, actor_id, kind, audience, text, data, hash)
                        VALUES (?, ?, ?, ?, ?, 7, ?, ?, ?)
                        """)
                for i in written..<upper {
                    let isCase = nextCase < caseIndexes.count && caseIndexes[nextCase] == i
                    if isCase { nextCase += 1 }
                    // The big shop gets its share of cases first; other rows spread over all shops.
                    let shopIndex: Int
                    if isCase && bigShopCases < plan.bigShopCases {
                        shopIndex = 0
                        bigShopCases += 1
                    } else {
                        shopIndex = 1 + Int.random(in: 0..<max(1, plan.shops - 1), using: &rng)
                    }
                    let shopID = shopIDs[min(shopIndex, shopIDs.count - 1)]
                    let age = Double.random(in: 0..<120, using: &rng) * Deadlines.day
                    let activated = now - age
                    let expires = deadlines.protectionExpiry(activatedAt: activated)
                    let reminder = deadlines.feedbackReminderAt(activatedAt: activated)
                    let amount = Int64.random(in: 1_000...200_000, using: &rng)
                    let email = "customer\(Int.random(in: 0..<400_000, using: &rng))@example.com"
                    let id = Secrets.newID()
                    var state = "active"
                    var ended: Date?
                    if isCase {
                        state = "claimed"
                    } else if now >= expires {
                        state = Bool.random(using: &rng) && Bool.random(using: &rng) ? "completed" : "expired"
                        ended = state == "completed" ? activated + Double.random(in: 1..<29, using: &rng) * Deadlines.day : expires
                    } else if Int.random(in: 0..<10, using: &rng) == 0 {
                        state = "completed"
                        ended = activated + min(age, Deadlines.day)
                    }
                    let reminderSent: Date? = now >= reminder && state != "claimed" ? reminder : nil
                    try protection.execute(arguments: [
                        id, shopID, "ORD-\(i)", activated - 3600, amount, email, "pl", state, activated,
                        expires, reminder, reminderSent, ended,
                    ])
                    guard isCase else { continue }
                    caseNumber += 1
                    let opened = activated + Double.random(in: 0..<min(29, max(age / Deadlines.day, 0.01)), using: &rng) * Deadlines.day
                    let reason = Bool.random(using: &rng) ? "not_received" : "refund_missing"
                    let roll = Int.random(in: 0..<100, using: &rng)
                    let caseID = Secrets.newID()
                    var caseState = "closed"
                    var merchantDue: Date? = deadlines.merchantDue(openedAt: opened)
                    var customerDue: Date?
                    var refund: String?
                    var refundAmount: Int64?
                    var variant: String?
                    var replied: Date?
                    var escalation: String?
                    var escalated: Date?
                    var closure: String?
                    var closed: Date?
                    let dueWanted = caseNumber - 100_000 <= plan.dueCases
                    if dueWanted {
                        // Due for the next pass: waiting for the merchant past five days.
                        caseState = "awaiting_merchant"
                        merchantDue = now - Double.random(in: 1..<86_400, using: &rng)
                    } else if roll < 8 && now < merchantDue! {
                        caseState = "awaiting_merchant"
                    } else {
                        replied = opened + Double.random(in: 0.1..<4.9, using: &rng) * Deadlines.day
                        refund = ["yes", "yes_after_return", "no"][Int.random(in: 0..<3, using: &rng)]
                        refundAmount = refund == "no" ? nil : (Bool.random(using: &rng) ? amount : amount / 2)
                        variant = refund == "no" ? "C" : (refundAmount == amount ? "A" : "B")
                        customerDue = deadlines.customerDue(repliedAt: replied!)
                        if roll < 18 && now < customerDue! {
                            caseState = "awaiting_customer"
                        } else if roll < 30 {
                            caseState = "escalated"
                            escalation = variant == "C" ? "solution_disputed" : (variant == "B" ? "partial_refused" : "refund_not_received")
                            escalated = min(now, replied! + Double.random(in: 0.5..<19, using: &rng) * Deadlines.day)
                        } else {
                            closure = variant == "C" ? "customer_accepted" : "refund_confirmed"
                            closed = min(now, replied! + Double.random(in: 0.5..<19, using: &rng) * Deadlines.day)
                        }
                    }
                    let updated = closed ?? escalated ?? replied ?? opened
                    let rank = CaseRecord.listRank(of: CaseState(rawValue: caseState)!)
                    let key: Int64 =
                        caseState == "awaiting_merchant" ? Int64(merchantDue!.timeIntervalSince1970) : -Int64(updated.timeIntervalSince1970)
                    try caseInsert.execute(arguments: [
                        caseID, caseNumber, id, shopID, email, reason, caseState, amount, opened,
                        merchantDue, caseState == "awaiting_customer" ? customerDue : customerDue, refund, refundAmount, variant, replied,
                        escalation, escalated, closure, closed, caseState == "escalated" ? escalated : nil, rank, key, updated,
                    ])
                    // Each event joins the case's hash chain, as EventRecord.append does.
                    var head: String?
                    func addEvent(
                        _ at: Date, _ actorKind: String, _ actorID: String?, _ kind: String, _ text: String?, _ data: String,
                        _ documents: [String] = []
                    ) throws {
                        let time = StoredDate.text(at)
                        head = EventChain.link(
                            previous: head,
                            .init(
                                caseID: caseID, at: time, actorKind: actorKind, actorID: actorID, kind: kind, audience: 7, text: text,
                                data: data, documents: documents))
                        try event.execute(arguments: [caseID, time, actorKind, actorID, kind, text, data, head])
                    }
                    let documents = shopIndex == 0 && withDocument.count < 100 ? [sampleHash] : []
                    if !documents.isEmpty { withDocument.append(caseID) }
                    try addEvent(
                        opened, "customer", email, "case_opened", "Zamówienie nie dotarło.", "{\"reason\":\"\(reason)\"}", documents)
                    if let replied, let refund {
                        try addEvent(
                            replied, "merchant", nil, "merchant_replied", "Odpowiedź sklepu.",
                            "{\"refund\":\"\(refund)\",\"variant\":\"\(variant!)\"}")
                    }
                    if let escalated, let escalation {
                        try addEvent(escalated, "customer", email, "escalated", nil, "{\"reason\":\"\(escalation)\"}")
                    }
                    if let closed, let closure {
                        try addEvent(closed, "customer", email, "closed", nil, "{\"closure\":\"\(closure)\"}")
                    }
                }
            }
            written = upper
            progress("protections: \(written) / \(plan.protections), cases: \(caseNumber - 100_000)")
        }

        let upload = documents.incoming + "/" + Secrets.newID()
        guard FileManager.default.createFile(atPath: upload, contents: Data(sample)) else { throw CocoaError(.fileWriteUnknown) }
        let hash = sampleHash
        try documents.adopt(temporaryFile: upload, sha256: hash)
        try database.write { db in
            for caseID in withDocument {
                let row = try Row.fetchOne(
                    db, sql: "SELECT id AS event_id, case_id FROM events WHERE case_id = ? AND kind = 'case_opened'", arguments: [caseID])!
                try db.execute(
                    sql: """
                        INSERT INTO documents (id, case_id, event_id, uploader_kind, uploader_id, name, content_type, size, sha256, created_at)
                        VALUES (?, ?, ?, 'customer', NULL, 'order-confirmation.pdf', 'application/pdf', ?, ?, ?)
                        """, arguments: [Secrets.newID(), row["case_id"] as String, row["event_id"] as Int64, sample.count, hash, now])
            }
        }
        progress("documents: 100")
        try database.write { db in try db.execute(sql: "ANALYZE") }
        return SeedResult(
            bigShopID: shopIDs[0], apiKey: bigKey, merchantEmail: "merchant@big-shop.example",
            agentEmail: "agent@seed.example", password: Self.seedPassword)
    }
}

/// A small deterministic random generator (SplitMix64), so two seeds give the same data.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
