import Foundation

/// Appeals: after the service team's decision either party may appeal once, within the
/// appeal window, with a reason. The case goes back to the queue, to be decided by an
/// agent who had no part in the first decision; that second decision is final.
extension CaseFile {
    /// When the appeal window closes, for a decided case that has not been appealed.
    public func appealEnds(deadlines: Deadlines) -> Date? {
        guard kind == .claim, state == .closed, closure == .serviceDecision, appeal == nil, let closedAt else { return nil }
        return deadlines.appealEnds(decidedAt: closedAt)
    }

    /// Until when a party may appeal, while it still may (the appeal form's date).
    public func appealWindow(at now: Date, deadlines: Deadlines) -> Date? {
        appealEnds(deadlines: deadlines).flatMap { now < $0 ? $0 : nil }
    }

    public func canAppeal(at now: Date, deadlines: Deadlines) -> Bool { appealWindow(at: now, deadlines: deadlines) != nil }

    public func appeal(
        from party: Party, reason: String, by actor: ActorRef, at now: Date, deadlines: Deadlines, shopInsolvent: Bool
    ) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        if party == .merchant && shopInsolvent { throw .shopInsolvent }
        guard state == .closed, closure == .serviceDecision, let closedAt else { throw .wrongState(state) }
        guard appeal == nil else { throw .appealUsed }
        guard now < deadlines.appealEnds(decidedAt: closedAt) else { throw .appealWindowPassed }
        guard let text = reason.nonEmpty else { throw .messageRequired }
        var next = self
        next.appeal = Appeal(party: party, at: now, excludedAgents: decision?.agents ?? [])
        next.decision = nil
        next.closure = nil
        next.closedAt = nil
        next.assignedAgentID = nil
        var events = [
            EventDraft(kind: .appealed, actor: actor, text: text, data: ["party": party.rawValue], carriesDocuments: true)
        ]
        next.escalate(.appeal, at: now, by: actor, events: &events)
        return Transition(file: next, events: events, notices: [Notice(.appealed, to: .customer), Notice(.appealed, to: .merchant)])
    }
}
