import Foundation

/// The customer's and the merchant's own steps: open, reply, answer, and messages while
/// the service team mediates.
extension CaseFile {
    /// Opens a case for feedback `not_received` / `refund_missing` (SPEC §3.1). On an
    /// insolvent shop the case goes straight to the service team.
    public static func open(
        reason: CaseReason, orderValue: Money, message: String, by customer: ActorRef,
        at now: Date, deadlines: Deadlines, shopInsolvent: Bool
    ) -> Transition {
        var file = CaseFile(kind: .claim, reason: reason, state: .awaitingMerchant, orderValue: orderValue, openedAt: now)
        var events = [
            EventDraft(
                kind: .caseOpened, actor: customer, text: message.nonEmpty,
                data: ["reason": reason.rawValue], carriesDocuments: true)
        ]
        var notices = [Notice(.caseOpenedCustomer, to: .customer)]
        if shopInsolvent {
            file.state = .escalated
            file.escalation = .insolvency
            file.escalatedAt = now
            events.append(EventDraft(kind: .escalated, actor: .system, data: ["reason": EscalationReason.insolvency.rawValue]))
        } else {
            file.merchantDueAt = deadlines.merchantDue(openedAt: now)
            notices.append(Notice(.caseOpenedMerchant, to: .merchant))
        }
        return Transition(file: file, events: events, notices: notices)
    }

    /// Feedback option `other`: a message for the service team, no merchant involved.
    public static func openInquiry(orderValue: Money, message: String, by customer: ActorRef, at now: Date) -> Transition {
        let file = CaseFile(kind: .inquiry, reason: nil, state: .open, orderValue: orderValue, openedAt: now)
        let event = EventDraft(
            kind: .inquirySent, actor: customer, audience: [.customer, .agent],
            text: message.nonEmpty, carriesDocuments: true)
        return Transition(file: file, events: [event], notices: [Notice(.inquiryReceived, to: .customer)])
    }

    /// The merchant's reply (SPEC §3.2): refund yes / yes after return / no, amount, a
    /// mandatory message. Decides the variant of the customer's answers.
    public func reply(
        refund: RefundIntent, amount: Money?, message: String, by merchant: ActorRef,
        at now: Date, deadlines: Deadlines, shopInsolvent: Bool
    ) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        guard !shopInsolvent else { throw .shopInsolvent }
        guard state == .awaitingMerchant else { throw .wrongState(state) }
        if let due = merchantDueAt, now >= due { throw .deadlinePassed }
        let refundAmount: Money?
        if refund == .no {
            refundAmount = nil
        } else {
            guard let amount else { throw .amountRequired }
            guard amount.currency == orderValue.currency else { throw .currencyMismatch }
            guard amount.minor > 0 else { throw .amountNotPositive }
            guard amount.minor <= orderValue.minor else { throw .amountAboveOrderValue }
            refundAmount = amount
        }
        guard let text = message.nonEmpty else { throw .messageRequired }
        let variant = Variant.of(refund: refund, amount: refundAmount, orderValue: orderValue)
        var next = self
        next.state = .awaitingCustomer
        next.reply = MerchantReply(refund: refund, amount: refundAmount, variant: variant)
        next.repliedAt = now
        next.customerDueAt = deadlines.customerDue(repliedAt: now)
        var data = ["refund": refund.rawValue, "variant": variant.rawValue]
        if let refundAmount { data["amount"] = String(refundAmount.minor) }
        let event = EventDraft(kind: .merchantReplied, actor: merchant, text: text, data: data, carriesDocuments: true)
        return Transition(file: next, events: [event], notices: [Notice(.merchantReplied, to: .customer)])
    }

    /// The customer's answer to the merchant's reply, one of the variant's answers.
    public func answer(_ answer: CustomerAnswer, message: String, by customer: ActorRef, at now: Date) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        guard state == .awaitingCustomer, let reply else { throw .wrongState(state) }
        if let due = customerDueAt, now >= due { throw .deadlinePassed }
        guard reply.variant.answers.contains(answer) else { throw .answerNotInVariant(answer, reply.variant) }
        var next = self
        var events = [
            EventDraft(
                kind: .customerAnswered, actor: customer, text: message.nonEmpty,
                data: ["answer": answer.rawValue], carriesDocuments: true)
        ]
        switch answer {
        case .refundReceived:
            next.close(.refundConfirmed, at: now, by: customer, events: &events)
        case .accept:
            next.close(.customerAccepted, at: now, by: customer, events: &events)
        case .refundNotReceived:
            next.escalate(.refundNotReceived, at: now, by: customer, events: &events)
        case .partialRefused:
            next.escalate(.partialRefused, at: now, by: customer, events: &events)
        case .disagree:
            next.escalate(.solutionDisputed, at: now, by: customer, events: &events)
        }
        let kind: Notice.Kind = next.state == .closed ? .closed : .escalated
        return Transition(file: next, events: events, notices: [Notice(kind, to: .customer), Notice(kind, to: .merchant)])
    }

    /// A message (with documents) from a party while the service team mediates. It
    /// answers the service team's open document requests to that party.
    public func partyMessage(
        from party: Party, message: String, hasDocuments: Bool, by actor: ActorRef,
        at now: Date, shopInsolvent: Bool
    ) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        if party == .merchant && shopInsolvent { throw .shopInsolvent }
        guard state == .escalated else { throw .wrongState(state) }
        guard message.nonEmpty != nil || hasDocuments else { throw .emptyMessage }
        let event = EventDraft(
            kind: .partyMessage, actor: actor, text: message.nonEmpty,
            data: ["party": party.rawValue], carriesDocuments: true)
        return Transition(file: self, events: [event], notices: [])
    }

    /// The customer writes again about an inquiry the service team has not answered yet
    /// (a reply to its email); like the inquiry, the shop never sees it.
    public func inquiryMessage(message: String, hasDocuments: Bool, by actor: ActorRef, at now: Date) throws(CaseError) -> Transition {
        guard kind == .inquiry else { throw .wrongKind }
        guard state == .open else { throw .wrongState(state) }
        guard message.nonEmpty != nil || hasDocuments else { throw .emptyMessage }
        let event = EventDraft(
            kind: .partyMessage, actor: actor, audience: [.customer, .agent], text: message.nonEmpty,
            data: ["party": Party.customer.rawValue], carriesDocuments: true)
        return Transition(file: self, events: [event], notices: [])
    }

    /// A reply by email that needs a choice the email cannot carry (the shop's refund
    /// answer, the customer's answer) or arrives where no message is taken (a closed
    /// case): kept on the timeline for the party who wrote it and the service team, and
    /// nothing else changes.
    public func keptEmailReply(from party: Party, message: String, hasDocuments: Bool, by actor: ActorRef, at now: Date)
        throws(CaseError) -> Transition
    {
        guard message.nonEmpty != nil || hasDocuments else { throw .emptyMessage }
        let event = EventDraft(
            kind: .emailReply, actor: actor, audience: [.party(party), .agent], text: message.nonEmpty,
            data: ["party": party.rawValue], carriesDocuments: true)
        return Transition(file: self, events: [event], notices: [])
    }

    mutating func close(_ closure: Closure, at now: Date, by actor: ActorRef, events: inout [EventDraft]) {
        state = .closed
        self.closure = closure
        closedAt = now
        stopReturnClocks()
        events.append(EventDraft(kind: .closed, actor: actor, data: ["closure": closure.rawValue]))
    }

    mutating func escalate(_ reason: EscalationReason, at now: Date, by actor: ActorRef, events: inout [EventDraft]) {
        state = .escalated
        escalation = reason
        escalatedAt = now
        stopReturnClocks()
        events.append(EventDraft(kind: .escalated, actor: actor, data: ["reason": reason.rawValue]))
    }
}

extension CaseFile {
    /// The return's deadlines end with the parties' part of the case; what happened stays.
    mutating func stopReturnClocks() {
        returnDueAt = nil
        refundDueAt = nil
        customerTimeLeft = nil
    }
}

extension String {
    /// The text without surrounding whitespace, or nil when nothing is left.
    public var nonEmpty: String? {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
