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
    /// A payout above `approvalAbove` is only proposed: a second agent approves it. An
    /// appeal is decided by an agent who had no part in the decision appealed against.
    public func decide(
        _ outcome: ServiceOutcome, amount: Money?, text: String, by agent: ActorRef, at now: Date,
        coverageLimit: Money, approvalAbove: Money? = nil
    ) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        guard state == .escalated else { throw .wrongState(state) }
        guard proposal == nil else { throw .awaitingApproval }
        guard !hadPartInAppealedDecision(agent) else { throw .decidedBefore }
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
        if outcome == .guaranteePayout, let decidedAmount, let approvalAbove, decidedAmount.minor > approvalAbove.minor {
            var next = self
            next.proposal = PayoutProposal(amount: decidedAmount, agentID: agent.id ?? "", text: text, at: now)
            let event = EventDraft(
                kind: .payoutProposed, actor: agent, audience: .agentsOnly, text: text,
                data: ["outcome": outcome.rawValue, "amount": String(decidedAmount.minor)])
            return Transition(file: next, events: [event], notices: [])
        }
        return closed(
            by: ServiceDecision(outcome: outcome, amount: decidedAmount, agents: [agent.id ?? ""]), text: text, agent: agent, at: now)
    }

    /// A second agent approves a proposed payout: the case closes with it and both parties
    /// are told. The coverage limit is checked again, as it may have changed meanwhile.
    public func approvePayout(by agent: ActorRef, at now: Date, coverageLimit: Money) throws(CaseError) -> Transition {
        guard state == .escalated else { throw .wrongState(state) }
        guard let proposal else { throw .noProposal }
        guard proposal.agentID != agent.id else { throw .ownProposal }
        guard !hadPartInAppealedDecision(agent) else { throw .decidedBefore }
        guard proposal.amount.minor <= coverageLimit.minor else { throw .amountAboveCoverageLimit }
        var next = self
        next.proposal = nil
        let approval = EventDraft(
            kind: .payoutApproved, actor: agent, audience: .agentsOnly,
            data: ["amount": String(proposal.amount.minor), "proposed_by": proposal.agentID])
        let decision = ServiceDecision(outcome: .guaranteePayout, amount: proposal.amount, agents: [proposal.agentID, agent.id ?? ""])
        var transition = next.closed(by: decision, text: proposal.text, agent: agent, at: now)
        transition.events.insert(approval, at: 0)
        return transition
    }

    /// A second agent sends a proposed payout back with a note; the case stays with the
    /// service team and may be decided again.
    public func returnPayout(note: String, by agent: ActorRef, at now: Date) throws(CaseError) -> Transition {
        guard state == .escalated else { throw .wrongState(state) }
        guard let proposal else { throw .noProposal }
        guard proposal.agentID != agent.id else { throw .ownProposal }
        guard let text = note.nonEmpty else { throw .messageRequired }
        var next = self
        next.proposal = nil
        let event = EventDraft(
            kind: .payoutReturned, actor: agent, audience: .agentsOnly, text: text,
            data: ["amount": String(proposal.amount.minor), "proposed_by": proposal.agentID])
        return Transition(file: next, events: [event], notices: [])
    }

    /// Whether this agent decided (or proposed or approved) the decision under appeal.
    func hadPartInAppealedDecision(_ agent: ActorRef) -> Bool {
        guard let appeal, let id = agent.id else { return false }
        return appeal.excludedAgents.contains(id)
    }

    private func closed(by decision: ServiceDecision, text: String, agent: ActorRef, at now: Date) -> Transition {
        var next = self
        next.decision = decision
        var data = ["outcome": decision.outcome.rawValue]
        if let amount = decision.amount { data["amount"] = String(amount.minor) }
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
