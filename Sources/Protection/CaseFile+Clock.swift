import Foundation

/// What the sweeper does to a case as time passes (SPEC §3, §6). Each returns nil when
/// nothing is due, so running a pass twice changes nothing twice.
extension CaseFile {
    /// Five days without a reply: the service team takes over.
    public func expireMerchantDeadline(at now: Date) -> Transition? {
        guard kind == .claim, state == .awaitingMerchant, let due = merchantDueAt, now >= due else { return nil }
        return escalatedBySystem(.merchantNoResponse, at: now)
    }

    /// Twenty days without the customer's answer: the case closes.
    public func expireCustomerDeadline(at now: Date) -> Transition? {
        guard kind == .claim, state == .awaitingCustomer, let due = customerDueAt, now >= due else { return nil }
        var next = self
        var events: [EventDraft] = []
        next.close(.customerNoResponse, at: now, by: .system, events: &events)
        return Transition(file: next, events: events, notices: [Notice(.closed, to: .customer), Notice(.closed, to: .merchant)])
    }

    /// The merchant's reminder, a day before the five days run out; once.
    public func remindMerchant(at now: Date, deadlines: Deadlines) -> Transition? {
        guard kind == .claim, state == .awaitingMerchant, merchantRemindedAt == nil, let due = merchantDueAt,
            now >= deadlines.merchantReminderAt(due: due), now < due
        else { return nil }
        var next = self
        next.merchantRemindedAt = now
        let event = EventDraft(kind: .merchantReminded, actor: .system, audience: [.merchant, .agent])
        return Transition(file: next, events: [event], notices: [Notice(.merchantReminder, to: .merchant)])
    }

    /// The customer's reminder, five days before the twenty days run out; once.
    public func remindCustomer(at now: Date, deadlines: Deadlines) -> Transition? {
        guard kind == .claim, state == .awaitingCustomer, customerRemindedAt == nil, let due = customerDueAt,
            now >= deadlines.customerReminderAt(due: due), now < due
        else { return nil }
        var next = self
        next.customerRemindedAt = now
        let event = EventDraft(kind: .customerReminded, actor: .system, audience: [.customer, .agent])
        return Transition(file: next, events: [event], notices: [Notice(.customerReminder, to: .customer)])
    }

    /// The shop became insolvent: an open case between the parties goes to the service team.
    public func escalateForInsolvency(at now: Date) -> Transition? {
        guard kind == .claim, state == .awaitingMerchant || state == .awaitingCustomer else { return nil }
        var next = self
        var events: [EventDraft] = []
        next.escalate(.insolvency, at: now, by: .system, events: &events)
        next.merchantDueAt = nil
        next.customerDueAt = nil
        return Transition(file: next, events: events, notices: [Notice(.escalated, to: .customer)])
    }
}
