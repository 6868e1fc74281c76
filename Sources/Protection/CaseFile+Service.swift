import Foundation

/// The service team's actions on a case (SPEC §3.3).
extension CaseFile {
    /// An internal note: agents alone ever read it.
    public func note(_ text: String, by agent: ActorRef, at now: Date) throws(CaseError) -> Transition {
        guard state.isOpen else { throw .wrongState(state) }
        guard let text = text.nonEmpty else { throw .messageRequired }
        let event = EventDraft(kind: .note, actor: agent, audience: .agentsOnly, text: text)
        return Transition(file: self, events: [event], notices: [])
    }

    /// A message to the customer, the merchant, or both; each recipient is emailed.
    public func serviceMessage(to recipients: [Party], text: String, by agent: ActorRef, at now: Date) throws(CaseError) -> Transition {
        guard state == .escalated else { throw .wrongState(state) }
        guard let text = text.nonEmpty else { throw .messageRequired }
        var audience: Audience = .agentsOnly
        for party in recipients { audience.insert(.party(party)) }
        let event = EventDraft(
            kind: .serviceMessage, actor: agent, audience: audience, text: text,
            data: ["to": recipients.map(\.rawValue).joined(separator: ",")])
        return Transition(file: self, events: [event], notices: recipients.map { Notice(.serviceMessage, to: $0, text: text) })
    }

    /// Asks one party for documents; the party is emailed and can upload on its case page.
    public func requestDocuments(
        from party: Party, text: String, by agent: ActorRef, at now: Date,
        deadlines: Deadlines
    ) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        guard state == .escalated else { throw .wrongState(state) }
        guard let text = text.nonEmpty else { throw .messageRequired }
        let due = deadlines.documentRequestDue(requestedAt: now)
        let event = EventDraft(
            kind: .documentsRequested, actor: agent, audience: [.agent, .party(party)], text: text,
            data: ["from": party.rawValue, "due": ISO8601.string(due)])
        return Transition(file: self, events: [event], notices: [Notice(.documentsRequested, to: party, text: text)])
    }

    public func assign(to agentID: String, at now: Date) throws(CaseError) -> Transition {
        guard state.isOpen else { throw .wrongState(state) }
        var next = self
        next.assignedAgentID = agentID
        let event = EventDraft(kind: .assigned, actor: .agent(agentID), audience: .agentsOnly)
        return Transition(file: next, events: [event], notices: [])
    }

    /// The service team's decision, which closes the case. A payout from the guarantee is
    /// at most the shop's coverage limit, and no outcome pays more than the order was worth.
    public func decide(
        _ outcome: ServiceOutcome, amount: Money?, text: String, by agent: ActorRef, at now: Date,
        coverageLimit: Money
    ) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        guard state == .escalated else { throw .wrongState(state) }
        var decidedAmount: Money?
        if outcome.needsAmount {
            guard let amount else { throw .amountRequired }
            guard amount.currency == orderValue.currency else { throw .currencyMismatch }
            guard amount.minor > 0 else { throw .amountNotPositive }
            if outcome == .guaranteePayout && amount.minor > coverageLimit.minor { throw .amountAboveCoverageLimit }
            guard amount.minor <= orderValue.minor else { throw .amountAboveOrderValue }
            decidedAmount = amount
        }
        guard let text = text.nonEmpty else { throw .messageRequired }
        var next = self
        next.decision = ServiceDecision(outcome: outcome, amount: decidedAmount)
        var data = ["outcome": outcome.rawValue]
        if let decidedAmount { data["amount"] = String(decidedAmount.minor) }
        var events = [EventDraft(kind: .decision, actor: agent, text: text, data: data)]
        next.close(.serviceDecision, at: now, by: agent, events: &events)
        return Transition(
            file: next, events: events,
            notices: [Notice(.decision, to: .customer, text: text), Notice(.decision, to: .merchant, text: text)])
    }

    /// The service team answers an inquiry, which closes it.
    public func answerInquiry(_ text: String, by agent: ActorRef, at now: Date) throws(CaseError) -> Transition {
        guard kind == .inquiry else { throw .wrongKind }
        guard state == .open else { throw .wrongState(state) }
        guard let text = text.nonEmpty else { throw .messageRequired }
        var next = self
        var events = [EventDraft(kind: .inquiryAnswered, actor: agent, audience: [.customer, .agent], text: text)]
        next.close(.inquiryAnswered, at: now, by: agent, events: &events)
        events[events.count - 1].audience = [.customer, .agent]
        return Transition(file: next, events: events, notices: [Notice(.inquiryAnswered, to: .customer, text: text)])
    }
}
