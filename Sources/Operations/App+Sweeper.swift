import Foundation
import GRDB
import Mail
import Protection
import Rendering
import Store

/// One pass of the clock (SPEC §6): reminders, expiries, escalations and closures due
/// at `now`. Every item is claimed inside a write transaction and guarded by its state,
/// so two passes at once, or the same pass twice, change nothing twice and send no
/// email twice. Work is found through partial indexes on the due columns, never by scan.
extension App {
    public struct SweepReport: Sendable, Equatable {
        public var feedbackReminders = 0
        public var protectionsExpired = 0
        public var merchantReminders = 0
        public var casesEscalated = 0
        public var customerReminders = 0
        public var casesClosed = 0
        public var documentRequestsExpired = 0
        public var returnsUnconfirmed = 0
        public var refundsOverdue = 0

        public var transitions: Int {
            feedbackReminders + protectionsExpired + merchantReminders + casesEscalated + customerReminders + casesClosed
                + documentRequestsExpired + returnsUnconfirmed + refundsOverdue
        }

        public var lines: [(String, Int)] {
            [
                ("feedback reminders (day 23)", feedbackReminders), ("protections expired", protectionsExpired),
                ("merchant reminders", merchantReminders), ("cases escalated (merchant no response)", casesEscalated),
                ("customer reminders", customerReminders), ("cases closed (customer no response)", casesClosed),
                ("document requests expired", documentRequestsExpired),
                ("cases escalated (return unconfirmed)", returnsUnconfirmed), ("cases escalated (refund overdue)", refundsOverdue),
            ]
        }
    }

    /// Transitions per write transaction. Cases are spread over the table, so a larger
    /// batch shares more pages and writes less WAL per transition; a smaller one holds the
    /// write lock for less time. 2,000 is about half a second on the benchmark machine.
    static let sweepBatch = 2000

    public func sweep(at now: Date) throws -> SweepReport {
        let started = ContinuousClock.now
        var report = SweepReport()
        report.feedbackReminders = try sweepFeedbackReminders(at: now)
        report.protectionsExpired = try sweepProtectionExpiry(at: now)
        let deadlines = config.deadlines
        // Reminders only for deadlines still ahead; those already passed are escalated or
        // closed below instead.
        report.merchantReminders = try sweepCases(
            sql: SweepSQL.merchantReminders,
            bounds: [now, now + Double(deadlines.merchantReminderDaysBefore) * Deadlines.day], at: now
        ) {
            $0.remindMerchant(at: now, deadlines: deadlines)
        }
        report.casesEscalated = try sweepCases(sql: SweepSQL.merchantDeadlines, bounds: [now], at: now) {
            $0.expireMerchantDeadline(at: now)
        }
        report.customerReminders = try sweepCases(
            sql: SweepSQL.customerReminders,
            bounds: [now, now + Double(deadlines.customerReminderDaysBefore) * Deadlines.day], at: now
        ) {
            $0.remindCustomer(at: now, deadlines: deadlines)
        }
        report.casesClosed = try sweepCases(sql: SweepSQL.customerDeadlines, bounds: [now], at: now) { $0.expireCustomerDeadline(at: now) }
        report.documentRequestsExpired = try sweepDocumentRequests(at: now)
        report.returnsUnconfirmed = try sweepCases(sql: SweepSQL.returnDeadlines, bounds: [now], at: now) {
            $0.expireReturnDeadline(at: now)
        }
        report.refundsOverdue = try sweepCases(sql: SweepSQL.refundDeadlines, bounds: [now], at: now) { $0.expireRefundDeadline(at: now) }
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO worker_passes (name, last_pass_at, duration_seconds) VALUES ('sweeper', ?, ?)
                    ON CONFLICT (name) DO UPDATE SET last_pass_at = excluded.last_pass_at, duration_seconds = excluded.duration_seconds
                    """, arguments: [now, (ContinuousClock.now - started).seconds])
            // Housekeeping runs on the wall clock: a pass simulated in the future
            // (`bp tick --at`) must not sign everybody out.
            _ = try Sessions.purgeExpired(db, now: Date())
        }
        return report
    }

    /// Cases found by `sql` (bound to `bounds` and a batch size), each given to `rule`
    /// inside the transaction; a case the rule finds nothing due on is left alone. Ids
    /// the rule declined are skipped in later batches so the loop always ends (the queries
    /// select only what is due, so declines are rare: a case changed meanwhile).
    private func sweepCases(sql: String, bounds: [Date], at now: Date, rule: (CaseFile) -> Transition?) throws -> Int {
        var done = 0
        var declined = Set<String>()
        while true {
            let (changed, seen, batchFull) = try database.write { db -> (Int, [String], Bool) in
                let ids = try String.fetchAll(
                    db.cachedStatement(sql: sql), arguments: StatementArguments(bounds + [Self.sweepBatch + declined.count])
                )
                .filter { !declined.contains($0) }
                var changed = 0
                var skipped: [String] = []
                for id in ids.prefix(Self.sweepBatch) {
                    guard let context = try CaseContext.load(db, caseID: id), let transition = rule(context.record.file) else {
                        skipped.append(id)
                        continue
                    }
                    try persist(transition, context: context, uploads: [], uploader: .system, db: db, now: now)
                    changed += 1
                }
                return (changed, skipped, ids.count >= Self.sweepBatch)
            }
            done += changed
            declined.formUnion(seen)
            if !batchFull || (changed == 0 && seen.isEmpty) { break }
        }
        return done
    }

    private func sweepFeedbackReminders(at now: Date) throws -> Int {
        var done = 0
        while true {
            let count = try database.write { db -> Int in
                let due = try ProtectionRecord.fetchAll(
                    db.cachedStatement(sql: SweepSQL.feedbackReminders), arguments: [now, Self.sweepBatch])
                let mailer = NoticeMailer(app: self)
                for var protection in due {
                    protection.reminderSentAt = now
                    try protection.update(db)
                    // Past day 30 the reminder is pointless: mark it and let expiry end the protection.
                    guard
                        ProtectionRules.feedbackReminderDue(
                            ProtectionFacts(state: .active, activatedAt: protection.activatedAt, expiresAt: protection.expiresAt),
                            at: now, deadlines: config.deadlines)
                    else { continue }
                    try mailer.enqueueProtectionMail(
                        kind: "feedback_reminder", protection: protection,
                        dedupeKey: "feedback_reminder:\(protection.id)", db: db, now: now)
                    done += 1
                }
                return due.count
            }
            if count < Self.sweepBatch { break }
        }
        return done
    }

    private func sweepProtectionExpiry(at now: Date) throws -> Int {
        var done = 0
        while true {
            let count = try database.write { db -> Int in
                let expired = try Row.fetchAll(db, sql: SweepSQL.expireProtections, arguments: [now, now, Self.sweepBatch * 10])
                try enqueueExpiryWebhooks(protectionIDs: expired.map { (id: $0[0], shopID: $0[1]) }, db: db, now: now)
                return expired.count
            }
            done += count
            if count < Self.sweepBatch * 10 { break }
        }
        return done
    }

    private func sweepDocumentRequests(at now: Date) throws -> Int {
        try database.write { db in
            var done = 0
            for request in try DocumentRequests.due(db, now: now, limit: 10_000) {
                guard try DocumentRequests.expire(db, id: request.id, now: now) else { continue }
                _ = try EventRecord.append(
                    db, caseID: request.caseID,
                    draft: EventDraft(
                        kind: .documentRequestExpired, actor: .system, audience: [.agent, .party(request.party)],
                        data: ["from": request.party.rawValue, "request": String(request.eventID)]), at: now)
                done += 1
            }
            return done
        }
    }

    /// When the sweeper last completed a pass (for /healthz).
    public func lastSweep() throws -> Date? {
        try database.read { db in
            try Date.fetchOne(db.cachedStatement(sql: "SELECT last_pass_at FROM worker_passes WHERE name = 'sweeper'"))
        }
    }
}

/// The sweeper's queries, each served by a partial index on its due column (the schema's
/// `*_due` indexes), so a pass reads only what is due however large the tables grow.
/// Kept together so a test can check every plan.
enum SweepSQL {
    static let feedbackReminders = """
        SELECT * FROM protections WHERE state = 'active' AND reminder_sent_at IS NULL AND reminder_at <= ?
        ORDER BY reminder_at LIMIT ?
        """
    static let expireProtections = """
        UPDATE protections SET state = 'expired', ended_at = ?
        WHERE id IN (SELECT id FROM protections WHERE state = 'active' AND expires_at <= ? ORDER BY expires_at LIMIT ?)
        RETURNING id, shop_id
        """
    static let merchantReminders = """
        SELECT id FROM cases WHERE state = 'awaiting_merchant' AND merchant_due_at > ? AND merchant_due_at <= ?
        AND merchant_reminded_at IS NULL ORDER BY merchant_due_at LIMIT ?
        """
    static let merchantDeadlines = """
        SELECT id FROM cases WHERE state = 'awaiting_merchant' AND merchant_due_at <= ? ORDER BY merchant_due_at LIMIT ?
        """
    static let customerReminders = """
        SELECT id FROM cases WHERE state = 'awaiting_customer' AND customer_due_at > ? AND customer_due_at <= ?
        AND customer_reminded_at IS NULL ORDER BY customer_due_at LIMIT ?
        """
    static let customerDeadlines = """
        SELECT id FROM cases WHERE state = 'awaiting_customer' AND customer_due_at <= ? ORDER BY customer_due_at LIMIT ?
        """
    static let documentRequests = DocumentRequests.dueSQL
    static let returnDeadlines = """
        SELECT id FROM cases WHERE return_due_at IS NOT NULL AND return_due_at <= ? AND state = 'awaiting_customer'
        ORDER BY return_due_at LIMIT ?
        """
    static let refundDeadlines = """
        SELECT id FROM cases WHERE refund_due_at IS NOT NULL AND refund_due_at <= ? AND state = 'awaiting_customer'
        ORDER BY refund_due_at LIMIT ?
        """

    static let all: [(name: String, sql: String, arguments: Int)] = [
        ("feedback reminders", feedbackReminders, 2), ("protection expiry", expireProtections, 3),
        ("merchant reminders", merchantReminders, 3), ("merchant deadlines", merchantDeadlines, 2),
        ("customer reminders", customerReminders, 3), ("customer deadlines", customerDeadlines, 2),
        ("document requests", documentRequests, 2), ("return deadlines", returnDeadlines, 2),
        ("refund deadlines", refundDeadlines, 2),
    ]
}

extension Duration {
    /// The duration in seconds, with its fraction.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
