import Foundation
import GRDB
import Mail
import Protection
import Rendering
import Store

/// The service team's actions (SPEC §3.3, §3.5). Every one requires an agent; anyone
/// else is told the case does not exist.
extension App {
    private func requireAgent(_ viewer: Viewer) throws -> String {
        guard case .agent(let id) = viewer else { throw NotFound() }
        return id
    }

    private func checkLength(_ text: String) throws {
        guard text.count <= Self.maximumMessageLength else {
            throw FormRejection.field("text", "error_message_too_long", ["max": String(Self.maximumMessageLength)])
        }
    }

    public func addNote(caseID: String, viewer: Viewer, text: String) throws -> CaseContext {
        _ = try requireAgent(viewer)
        try checkLength(text)
        return try act(on: caseID, as: viewer, textField: "text") { (context, now) throws(CaseError) in
            try context.record.file.note(text, by: viewer.actor, at: now)
        }
    }

    public func sendServiceMessage(caseID: String, viewer: Viewer, to: String?, text: String) throws -> CaseContext {
        _ = try requireAgent(viewer)
        try checkLength(text)
        let recipients: [Party]
        switch to {
        case "customer": recipients = [.customer]
        case "merchant": recipients = [.merchant]
        case "both": recipients = [.customer, .merchant]
        default:
            _ = try caseContext(caseID, viewer: viewer)
            throw FormRejection.field("to", "error_recipient_choose")
        }
        return try act(on: caseID, as: viewer, textField: "text") { (context, now) throws(CaseError) in
            try context.record.file.serviceMessage(to: recipients, text: text, by: viewer.actor, at: now)
        }
    }

    public func requestDocuments(caseID: String, viewer: Viewer, from: String?, text: String) throws -> CaseContext {
        _ = try requireAgent(viewer)
        try checkLength(text)
        guard let raw = from, let party = Party(rawValue: raw) else {
            _ = try caseContext(caseID, viewer: viewer)
            throw FormRejection.field("from", "error_party_choose")
        }
        return try act(
            on: caseID, as: viewer, textField: "text",
            afterwards: { context, eventIDs, db, now in
                guard let eventID = eventIDs.first, let text = text.nonEmpty else { return }
                try DocumentRequests.create(
                    db, caseID: context.record.id, eventID: eventID, party: party, text: text,
                    requestedAt: now, dueAt: self.deadlines(for: context.shop).documentRequestDue(requestedAt: now))
            }
        ) { (context, now) throws(CaseError) in
            try context.record.file.requestDocuments(
                from: party, text: text, by: viewer.actor, at: now, deadlines: deadlines(for: context.shop))
        }
    }

    public func assignToMe(caseID: String, viewer: Viewer) throws -> CaseContext {
        let agentID = try requireAgent(viewer)
        return try act(on: caseID, as: viewer) { (context, now) throws(CaseError) in
            try context.record.file.assign(to: agentID, at: now)
        }
    }

    public func decide(caseID: String, viewer: Viewer, outcome: String?, amount: String?, text: String) throws -> CaseContext {
        _ = try requireAgent(viewer)
        let context = try caseContext(caseID, viewer: viewer)
        let file = context.record.file
        var errors: [String: Message] = [:]
        let value = outcome.flatMap(ServiceOutcome.init(rawValue:))
        if value == nil { errors["outcome"] = Message("error_outcome_choose") }
        var money: Money?
        if let value, value.needsAmount {
            do {
                money = try Self.parseAmount(amount ?? "", currency: file.orderValue.currency)
            } catch let rejection as FormRejection {
                errors.merge(rejection.fields) { first, _ in first }
            }
        }
        if text.nonEmpty == nil { errors["text"] = Message("error_message_required") }
        if text.count > Self.maximumMessageLength {
            errors["text"] = Message("error_message_too_long", ["max": String(Self.maximumMessageLength)])
        }
        guard errors.isEmpty, let value else { throw FormRejection(fields: errors) }
        return try act(on: caseID, as: viewer, textField: "text") { (context, now) throws(CaseError) in
            try context.record.file.decide(
                value, amount: money, text: text, by: viewer.actor, at: now,
                coverageLimit: context.shop.coverageLimit,
                approvalAbove: config.payoutApprovalThreshold(in: context.shop.coverageLimit.currency))
        }
    }

    public func answerInquiry(caseID: String, viewer: Viewer, text: String) throws -> CaseContext {
        _ = try requireAgent(viewer)
        try checkLength(text)
        return try act(on: caseID, as: viewer, textField: "text") { (context, now) throws(CaseError) in
            try context.record.file.answerInquiry(text, by: viewer.actor, at: now)
        }
    }

    public struct InsolvencyReport: Sendable, Equatable {
        public var casesEscalated = 0
        public var customersEmailed = 0
    }

    /// Marks a shop insolvent, in one transaction: its open cases go to the service team,
    /// its merchants can no longer act, and every customer with an active protection
    /// there is told the service team handles their claims. It cannot be undone, so the
    /// agent confirms by typing the shop's name.
    public func markInsolvent(shopID: String, viewer: Viewer, confirmation: String) throws -> InsolvencyReport {
        _ = try requireAgent(viewer)
        return try database.write { db in
            let now = now()
            guard var shop = try ShopRecord.find(db, id: shopID) else { throw NotFound() }
            guard !shop.isInsolvent else { throw FormRejection(general: Message("error_shop_already_insolvent"), status: 409) }
            guard confirmation.trimmingCharacters(in: .whitespacesAndNewlines) == shop.name else {
                throw FormRejection.field("confirm", "error_confirm_shop_name")
            }
            shop.insolventAt = now
            try shop.update(db)
            var report = InsolvencyReport()
            let openIDs = try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM cases INDEXED BY cases_shop_list
                        WHERE shop_id = ? AND kind = 'claim' AND list_rank IN (0, 2) AND state IN ('awaiting_merchant', 'awaiting_customer')
                        """), arguments: [shop.id])
            for id in openIDs {
                guard let context = try CaseContext.load(db, caseID: id),
                    let transition = context.record.file.escalateForInsolvency(at: now)
                else { continue }
                try persist(transition, context: context, uploads: [], uploader: viewer.actor, db: db, now: now)
                report.casesEscalated += 1
            }
            let protections = try ProtectionRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM protections WHERE shop_id = ? AND state = 'active' AND expires_at > ? ORDER BY customer_email
                        """), arguments: [shop.id, now])
            let mailer = NoticeMailer(app: self)
            var told = Set<String>()
            for protection in protections where !told.contains(protection.customerEmail) {
                told.insert(protection.customerEmail)
                try mailer.enqueueProtectionMail(
                    kind: "insolvency", protection: protection,
                    dedupeKey: "insolvency:\(shop.id):\(protection.customerEmail)", db: db, now: now)
                report.customersEmailed += 1
            }
            return report
        }
    }

    /// Puts a failed or waiting email back in line for delivery now.
    public func retryMail(id: Int64, viewer: Viewer) throws -> Bool {
        _ = try requireAgent(viewer)
        return try database.write { db in try Outbox.retryNow(db, id: id, now: now()) }
    }
}
