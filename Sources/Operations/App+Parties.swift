import Foundation
import GRDB
import Protection
import Store

extension App {
    /// Loads a case the viewer may see inside a write transaction, applies `change`, and
    /// persists the result. Domain refusals become form rejections; cases the viewer may
    /// not see are `NotFound`.
    func act(
        on caseID: String, as viewer: Viewer, uploads: [Upload] = [], textField: String = "message",
        afterwards: ((CaseContext, [Int64], Database, Date) throws -> Void)? = nil,
        _ change: (CaseContext, Date) throws(CaseError) -> Transition
    ) throws -> CaseContext {
        try storeDocuments(uploads)
        return try database.write { db in
            let now = now()
            guard let context = try CaseContext.load(db, caseID: caseID),
                Access.canSee(viewer, context.record.ownership)
            else { throw NotFound() }
            let transition: Transition
            switch Result(catching: { () throws(CaseError) in try change(context, now) }) {
            case .success(let value):
                transition = value
            case .failure(let error):
                throw FormRejection.from(
                    error, textField: textField, orderValue: context.record.file.orderValue,
                    coverageLimit: context.shop.coverageLimit)
            }
            let (persisted, eventIDs) = try persist(
                transition, context: context, uploads: uploads, uploader: viewer.actor,
                db: db, now: now)
            try afterwards?(persisted, eventIDs, db, now)
            return persisted
        }
    }

    /// Reads a refund amount typed in a form ("249,99" or "249.99") in the case's currency.
    static func parseAmount(_ text: String, currency: Currency, field: String = "amount") throws -> Money {
        switch AmountText.parse(text, minorDigits: currency.minorDigits) {
        case .success(let minor): return Money(minor: minor, currency: currency)
        case .failure(.empty): throw FormRejection.field(field, "error_amount_required")
        case .failure(.tooManyDecimals(let allowed)): throw FormRejection.field(field, "error_amount_decimals", ["n": String(allowed)])
        case .failure(.notPositive): throw FormRejection.field(field, "error_amount_positive")
        case .failure(.tooLarge), .failure(.notANumber): throw FormRejection.field(field, "error_amount_not_number")
        }
    }

    /// The merchant's reply (SPEC §3.2). The amount is read only for the yes answers.
    /// Every problem of the form is reported at once, each beside its field.
    public func reply(
        caseID: String, viewer: Viewer, refund: String?, amount: String?, message: String,
        uploads: [Upload]
    ) throws -> CaseContext {
        guard case .merchant = viewer else { throw NotFound() }
        let context = try caseContext(caseID, viewer: viewer)
        let orderValue = context.record.file.orderValue
        var errors: [String: Message] = [:]
        let intent = refund.flatMap(RefundIntent.init(rawValue:))
        if intent == nil { errors["refund"] = Message("error_refund_choose") }
        var money: Money?
        if intent != .no {
            do {
                let parsed = try Self.parseAmount(amount ?? "", currency: orderValue.currency)
                if parsed.minor > orderValue.minor {
                    errors["amount"] = Message("error_amount_above_value", money: ["value": orderValue])
                }
                money = parsed
            } catch let rejection as FormRejection {
                if intent != nil { errors.merge(rejection.fields) { first, _ in first } }
            }
        }
        if message.nonEmpty == nil { errors["message"] = Message("error_message_required") }
        if message.count > Self.maximumMessageLength {
            errors["message"] = Message("error_message_too_long", ["max": String(Self.maximumMessageLength)])
        }
        guard errors.isEmpty, let intent else { throw FormRejection(fields: errors) }
        return try act(on: caseID, as: viewer, uploads: uploads) { (context, now) throws(CaseError) in
            try context.record.file.reply(
                refund: intent, amount: money, message: message, by: viewer.actor, at: now,
                deadlines: deadlines(for: context.shop), shopInsolvent: context.shop.isInsolvent)
        }
    }

    /// The customer's answer to the merchant's reply.
    public func answer(caseID: String, viewer: Viewer, answer: String?, message: String, uploads: [Upload]) throws -> CaseContext {
        guard case .customer = viewer else { throw NotFound() }
        _ = try caseContext(caseID, viewer: viewer)
        guard let raw = answer, let value = CustomerAnswer(rawValue: raw) else {
            throw FormRejection.field("answer", "error_answer_choose")
        }
        guard message.count <= Self.maximumMessageLength else {
            throw FormRejection.field("message", "error_message_too_long", ["max": String(Self.maximumMessageLength)])
        }
        return try act(on: caseID, as: viewer, uploads: uploads) { (context, now) throws(CaseError) in
            try context.record.file.answer(value, message: message, by: viewer.actor, at: now)
        }
    }

    /// A party's message with documents while the service team mediates; it answers the
    /// team's open document requests to that party.
    public func partyMessage(caseID: String, viewer: Viewer, message: String, uploads: [Upload]) throws -> CaseContext {
        let party: Party
        switch viewer {
        case .customer: party = .customer
        case .merchant: party = .merchant
        default: throw NotFound()
        }
        guard message.count <= Self.maximumMessageLength else {
            throw FormRejection.field("message", "error_message_too_long", ["max": String(Self.maximumMessageLength)])
        }
        return try act(
            on: caseID, as: viewer, uploads: uploads,
            afterwards: { context, _, db, now in
                try DocumentRequests.answer(db, caseID: context.record.id, party: party, now: now)
            }
        ) { (context, now) throws(CaseError) in
            try context.record.file.partyMessage(
                from: party, message: message, hasDocuments: !uploads.isEmpty, by: viewer.actor,
                at: now, shopInsolvent: context.shop.isInsolvent)
        }
    }

    /// A case the viewer may see, or `NotFound`.
    /// A case the viewer may see and whatever else `body` reads, in one read transaction
    /// (a case page used to open three: the session, the case, the page).
    public func readCase<T>(_ caseID: String, viewer: Viewer, _ body: (CaseContext, Database) throws -> T) throws -> T {
        try database.read { db in
            guard let context = try CaseContext.load(db, caseID: caseID), Access.canSee(viewer, context.record.ownership) else {
                throw NotFound()
            }
            return try body(context, db)
        }
    }

    public func caseContext(_ caseID: String, viewer: Viewer) throws -> CaseContext {
        try readCase(caseID, viewer: viewer) { context, _ in context }
    }
}

extension Viewer {
    /// The actor the timeline records for this viewer.
    public var actor: ActorRef {
        switch self {
        case .anonymous: .system
        case .customer(let email): .customer(email)
        case .merchant(let id, _): .merchant(id)
        case .agent(let id): .agent(id)
        }
    }
}
