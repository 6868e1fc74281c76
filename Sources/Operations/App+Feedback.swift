import Foundation
import GRDB
import Protection
import Store

extension App {
    public static let maximumMessageLength = 10_000

    public enum FeedbackResult: Sendable, Equatable {
        case completed
        case caseOpened(caseID: String)
        case inquirySent(caseID: String)
        /// A second submit (a double click): the case the first one opened.
        case alreadyOpened(caseID: String)
    }

    /// The customer's answer on the four-option feedback form (SPEC §2).
    public func giveFeedback(
        protectionID: String, viewer: Viewer, option: FeedbackOption, message: String,
        uploads: [Upload], afterwards: ((_ caseID: String, Database) throws -> Void)? = nil
    ) throws -> FeedbackResult {
        guard message.count <= Self.maximumMessageLength else {
            throw FormRejection.field("message", "error_message_too_long", ["max": String(Self.maximumMessageLength)])
        }
        guard case .customer(let email) = viewer else { throw NotFound() }
        let actor = ActorRef.customer(email)
        // "Everything is fine" ends the protection and keeps no documents.
        if option != .allFine { try storeDocuments(uploads) }
        return try database.write { db in
            let now = now()
            guard var protection = try ProtectionRecord.find(db, id: protectionID), protection.customerEmail == email,
                let shop = try ShopRecord.find(db, id: protection.shopID)
            else { throw NotFound() }
            let outcome: FeedbackOutcome
            switch Result(catching: { () throws(FeedbackError) in try ProtectionRules.feedback(option, on: protection.facts, at: now) }) {
            case .success(let value):
                outcome = value
            case .failure(.alreadyClaimed):
                if let existing = try CaseRecord.claim(db, protectionID: protection.id) { return .alreadyOpened(caseID: existing.id) }
                throw FormRejection(general: Message("error_protection_ended"), status: 409)
            case .failure(.ended):
                throw FormRejection(general: Message("error_protection_ended"), status: 409)
            }
            switch outcome {
            case .complete:
                protection.state = .completed
                protection.endedAt = now
                try protection.update(db)
                return .completed
            case .openCase(let reason):
                let transition = CaseFile.open(
                    reason: reason, orderValue: protection.value, message: message, by: actor, at: now,
                    deadlines: deadlines(for: shop), shopInsolvent: shop.isInsolvent)
                let record = CaseRecord(
                    id: Secrets.newID(), number: try CaseRecord.nextNumber(db), protectionID: protection.id,
                    shopID: shop.id, customerEmail: email, file: transition.file, updatedAt: now)
                protection.state = .claimed
                try protection.update(db)
                let context = CaseContext(record: record, protection: protection, shop: shop)
                try persist(transition, context: context, uploads: uploads, uploader: actor, db: db, now: now, isNew: true)
                return .caseOpened(caseID: record.id)
            case .inquiry:
                let transition = CaseFile.openInquiry(orderValue: protection.value, message: message, by: actor, at: now)
                let record = CaseRecord(
                    id: Secrets.newID(), number: try CaseRecord.nextNumber(db), protectionID: protection.id,
                    shopID: shop.id, customerEmail: email, file: transition.file, updatedAt: now)
                let context = CaseContext(record: record, protection: protection, shop: shop)
                try persist(transition, context: context, uploads: uploads, uploader: actor, db: db, now: now, isNew: true)
                try afterwards?(record.id, db)
                return .inquirySent(caseID: record.id)
            }
        }
    }
}
