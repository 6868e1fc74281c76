import Foundation

/// The return step of a "yes, after the goods are returned" reply: the customer sends
/// the goods back (their answer window pauses while the goods travel), the merchant
/// confirms receipt (the window resumes and the merchant's refund deadline starts), and
/// the customer answers as usual. The customer may answer at any step: a refund that
/// arrives early closes the case, a refusal goes to the service team.
extension CaseFile {
    /// The customer says how the goods went back: a carrier and its tracking number, or
    /// handed over in person. Documents (the receipt) go with the event.
    public func sendReturn(
        carrier: ReturnCarrier, tracking: String, by customer: ActorRef, at now: Date, deadlines: Deadlines
    ) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        guard state == .awaitingCustomer else { throw .wrongState(state) }
        guard reply?.refund == .yesAfterReturn else { throw .noReturnAsked }
        guard returnShipment == nil else { throw .returnAlreadySent }
        if let due = customerDueAt, now >= due { throw .deadlinePassed }
        var trackingNumber: String?
        if carrier.needsTracking {
            guard let typed = tracking.nonEmpty else { throw .trackingRequired }
            guard Self.isTrackingNumber(typed) else { throw .trackingInvalid }
            trackingNumber = typed
        }
        var next = self
        next.returnShipment = ReturnShipment(carrier: carrier, tracking: trackingNumber, sentAt: now)
        next.returnDueAt = deadlines.returnDue(sentAt: now)
        next.customerTimeLeft = max(0, (customerDueAt ?? now).timeIntervalSince(now))
        next.customerDueAt = nil
        var data = ["carrier": carrier.rawValue]
        if let trackingNumber { data["tracking"] = trackingNumber }
        let event = EventDraft(kind: .returnSent, actor: customer, data: data, carriesDocuments: true)
        return Transition(file: next, events: [event], notices: [Notice(.returnSent, to: .merchant)])
    }

    /// The merchant says whether the goods arrived. "Received" resumes the customer's
    /// window and starts the refund deadline; "not yet" is told to the customer and
    /// changes no deadline.
    public func confirmReturn(
        received: Bool, message: String, by merchant: ActorRef, at now: Date, deadlines: Deadlines, shopInsolvent: Bool
    ) throws(CaseError) -> Transition {
        guard kind == .claim else { throw .wrongKind }
        guard !shopInsolvent else { throw .shopInsolvent }
        guard state == .awaitingCustomer else { throw .wrongState(state) }
        guard returnShipment != nil, goodsReceivedAt == nil else { throw .noReturnToConfirm }
        guard received else {
            let event = EventDraft(kind: .returnNotReceivedYet, actor: merchant, text: message.nonEmpty)
            return Transition(file: self, events: [event], notices: [Notice(.returnNotReceivedYet, to: .customer)])
        }
        var next = self
        next.goodsReceivedAt = now
        next.returnDueAt = nil
        next.refundDueAt = deadlines.refundDue(receivedAt: now)
        next.customerDueAt = now + (customerTimeLeft ?? 0)
        next.customerTimeLeft = nil
        let event = EventDraft(
            kind: .returnReceived, actor: merchant, text: message.nonEmpty,
            data: ["refund_due": ISO8601.string(next.refundDueAt ?? now)])
        return Transition(file: next, events: [event], notices: [Notice(.returnReceived, to: .customer)])
    }

    /// The goods were sent back but the merchant did not confirm them in time.
    public func expireReturnDeadline(at now: Date) -> Transition? {
        guard kind == .claim, state == .awaitingCustomer, goodsReceivedAt == nil, let due = returnDueAt, now >= due else {
            return nil
        }
        return escalatedBySystem(.returnUnconfirmed, at: now)
    }

    /// The merchant confirmed the goods but the customer has not confirmed a refund by
    /// the refund deadline.
    public func expireRefundDeadline(at now: Date) -> Transition? {
        guard kind == .claim, state == .awaitingCustomer, let due = refundDueAt, now >= due else { return nil }
        return escalatedBySystem(.refundOverdue, at: now)
    }

    /// Whether the customer's answer window is paused because the goods are travelling.
    public var customerClockPaused: Bool { state == .awaitingCustomer && customerTimeLeft != nil }

    /// Whether the customer is asked for the return shipment now.
    public var awaitsReturnShipment: Bool {
        kind == .claim && state == .awaitingCustomer && reply?.refund == .yesAfterReturn && returnShipment == nil
    }

    /// Whether the merchant is asked to confirm the returned goods now.
    public var awaitsReturnReceipt: Bool {
        kind == .claim && state == .awaitingCustomer && returnShipment != nil && goodsReceivedAt == nil
    }

    static func isTrackingNumber(_ text: String) -> Bool {
        text.unicodeScalars.count <= 40
            && text.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || " -/.".unicodeScalars.contains(scalar))
            }
    }

    func escalatedBySystem(_ reason: EscalationReason, at now: Date) -> Transition {
        var next = self
        var events: [EventDraft] = []
        next.escalate(reason, at: now, by: .system, events: &events)
        return Transition(file: next, events: events, notices: [Notice(.escalated, to: .customer), Notice(.escalated, to: .merchant)])
    }
}
