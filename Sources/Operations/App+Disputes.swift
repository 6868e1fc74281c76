import Foundation
import GRDB
import Protection
import Store

/// Disputes in depth: the return step, appeals and four-eyes payouts. Each checks who
/// may act, reads the form, and leaves the rule to the case's state machine.
extension App {
    /// The deadlines of a shop's cases (business days count in the shop's country).
    public func deadlines(for shop: ShopRecord) -> Deadlines {
        config.deadlines(country: shop.workCountry)
    }

    /// The customer tells how the goods went back, with an optional receipt.
    public func sendReturn(caseID: String, viewer: Viewer, carrier: String?, tracking: String, uploads: [Upload]) throws
        -> CaseContext
    {
        guard case .customer = viewer else { throw NotFound() }
        _ = try caseContext(caseID, viewer: viewer)
        guard let carrier = carrier.flatMap(ReturnCarrier.init(rawValue:)) else {
            throw FormRejection.field("carrier", "error_carrier_choose")
        }
        return try act(on: caseID, as: viewer, uploads: uploads) { (context, now) throws(CaseError) in
            try context.record.file.sendReturn(
                carrier: carrier, tracking: tracking, by: viewer.actor, at: now, deadlines: deadlines(for: context.shop))
        }
    }

    /// The merchant says whether the returned goods arrived (`received`: yes / not_yet).
    public func confirmReturn(caseID: String, viewer: Viewer, received: String?, message: String) throws -> CaseContext {
        guard case .merchant = viewer else { throw NotFound() }
        _ = try caseContext(caseID, viewer: viewer)
        guard let received, received == "yes" || received == "not_yet" else {
            throw FormRejection.field("received", "error_received_choose")
        }
        try checkMessageLength(message, field: "message")
        return try act(on: caseID, as: viewer) { (context, now) throws(CaseError) in
            try context.record.file.confirmReturn(
                received: received == "yes", message: message, by: viewer.actor, at: now,
                deadlines: deadlines(for: context.shop), shopInsolvent: context.shop.isInsolvent)
        }
    }

    /// A party appeals the service team's decision, with a reason and optional documents.
    public func appeal(caseID: String, viewer: Viewer, message: String, uploads: [Upload]) throws -> CaseContext {
        let party: Party
        switch viewer {
        case .customer: party = .customer
        case .merchant: party = .merchant
        default: throw NotFound()
        }
        _ = try caseContext(caseID, viewer: viewer)
        try checkMessageLength(message, field: "message")
        return try act(on: caseID, as: viewer, uploads: uploads) { (context, now) throws(CaseError) in
            try context.record.file.appeal(
                from: party, reason: message, by: viewer.actor, at: now, deadlines: deadlines(for: context.shop),
                shopInsolvent: context.shop.isInsolvent)
        }
    }

    /// A second agent approves a proposed payout.
    public func approvePayout(caseID: String, viewer: Viewer) throws -> CaseContext {
        guard case .agent = viewer else { throw NotFound() }
        return try act(on: caseID, as: viewer, textField: "text") { (context, now) throws(CaseError) in
            try context.record.file.approvePayout(by: viewer.actor, at: now, coverageLimit: context.shop.coverageLimit)
        }
    }

    /// A second agent sends a proposed payout back with a note.
    public func returnPayout(caseID: String, viewer: Viewer, text: String) throws -> CaseContext {
        guard case .agent = viewer else { throw NotFound() }
        try checkMessageLength(text, field: "text")
        return try act(on: caseID, as: viewer, textField: "text") { (context, now) throws(CaseError) in
            try context.record.file.returnPayout(note: text, by: viewer.actor, at: now)
        }
    }

    func checkMessageLength(_ text: String, field: String) throws {
        guard text.count <= Self.maximumMessageLength else {
            throw FormRejection.field(field, "error_message_too_long", ["max": String(Self.maximumMessageLength)])
        }
    }
}
