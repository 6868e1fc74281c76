import Foundation
import Testing

@testable import Protection

/// A "yes, after return" case the merchant answered on day 1 with a full refund.
func returnCase() throws -> CaseFile {
    try repliedCase(.yesAfterReturn, amount: 24_999)
}

/// A case the service team decided on day 3 (agent a1, a settlement).
func decidedCase() throws -> CaseFile {
    try escalatedCase().decide(.settled, amount: nil, text: "Agreed", by: agent, at: t0 + 3 * day, coverageLimit: money(500_000))
        .file
}

@Suite struct ReturnTests {
    @Test func sendingTheGoodsBackPausesTheCustomersWindowWithTheDaysLeftKept() throws {
        let replied = try returnCase()
        #expect(replied.awaitsReturnShipment)
        let t = try replied.sendReturn(carrier: .inpost, tracking: " 6201 2345-AB ", by: customer, at: t0 + 4 * day, deadlines: deadlines)
        #expect(t.file.returnShipment == ReturnShipment(carrier: .inpost, tracking: "6201 2345-AB", sentAt: t0 + 4 * day))
        #expect(t.file.customerDueAt == nil)
        #expect(t.file.customerTimeLeft == 17 * day)
        #expect(t.file.customerClockPaused)
        #expect(t.file.returnDueAt == t0 + 18 * day)
        #expect(t.file.awaitsReturnReceipt && !t.file.awaitsReturnShipment)
        #expect(t.events.map(\.kind) == [.returnSent])
        #expect(t.events[0].data == ["carrier": "inpost", "tracking": "6201 2345-AB"])
        #expect(t.events[0].carriesDocuments)
        #expect(t.notices == [Notice(.returnSent, to: .merchant)])
    }

    @Test func goodsHandedOverInPersonNeedNoTrackingNumber() throws {
        let t = try returnCase().sendReturn(carrier: .inPerson, tracking: "ignored", by: customer, at: t0 + 2 * day, deadlines: deadlines)
        #expect(t.file.returnShipment?.tracking == nil)
        #expect(t.events[0].data == ["carrier": "in_person"])
    }

    @Test(arguments: [
        ("", CaseError.trackingRequired), ("   ", .trackingRequired), ("AB\u{7}12", .trackingInvalid),
        (String(repeating: "1", count: 41), .trackingInvalid), (String(repeating: "9", count: 200), .trackingInvalid),
        ("ÄÖ123", .trackingInvalid), ("12<script>", .trackingInvalid), ("12\n34", .trackingInvalid),
    ])
    func aBadTrackingNumberIsRefused(tracking: String, error: CaseError) throws {
        let replied = try returnCase()
        #expect(throws: error) {
            try replied.sendReturn(carrier: .dhl, tracking: tracking, by: customer, at: t0 + 2 * day, deadlines: deadlines)
        }
    }

    @Test func aReturnIsOnlyForAYesAfterReturnReplyAndOnlyOnce() throws {
        #expect(throws: CaseError.noReturnAsked) {
            try repliedCase(.yes, amount: 24_999).sendReturn(carrier: .dhl, tracking: "1", by: customer, at: t0 + 2 * day, deadlines: deadlines)
        }
        #expect(throws: CaseError.wrongState(.awaitingMerchant)) {
            try openedCase().sendReturn(carrier: .dhl, tracking: "1", by: customer, at: t0, deadlines: deadlines)
        }
        let sent = try returnCase().sendReturn(carrier: .dhl, tracking: "1", by: customer, at: t0 + 2 * day, deadlines: deadlines).file
        #expect(throws: CaseError.returnAlreadySent) {
            try sent.sendReturn(carrier: .dhl, tracking: "2", by: customer, at: t0 + 3 * day, deadlines: deadlines)
        }
        #expect(throws: CaseError.deadlinePassed) {
            try returnCase().sendReturn(carrier: .dhl, tracking: "1", by: customer, at: t0 + 21 * day, deadlines: deadlines)
        }
    }

    @Test func receiptResumesTheCustomersWindowAndStartsTheRefundDeadline() throws {
        let sent = try returnCase().sendReturn(carrier: .dpd, tracking: "X1", by: customer, at: t0 + 4 * day, deadlines: deadlines).file
        let t = try sent.confirmReturn(received: true, message: "Got it", by: merchant, at: t0 + 10 * day, deadlines: deadlines, shopInsolvent: false)
        #expect(t.file.goodsReceivedAt == t0 + 10 * day)
        #expect(t.file.refundDueAt == t0 + 15 * day)
        #expect(t.file.customerDueAt == t0 + 27 * day)
        #expect(t.file.customerTimeLeft == nil && !t.file.customerClockPaused)
        #expect(t.file.returnDueAt == nil)
        #expect(t.events.map(\.kind) == [.returnReceived])
        #expect(t.events[0].text == "Got it")
        #expect(t.notices == [Notice(.returnReceived, to: .customer)])
        // The customer then answers as usual and the case closes.
        let closed = try t.file.answer(.refundReceived, message: "", by: customer, at: t0 + 12 * day)
        #expect(closed.file.closure == .refundConfirmed)
        #expect(closed.file.refundDueAt == nil)
    }

    @Test func notReceivedYetTellsTheCustomerAndChangesNoDeadline() throws {
        let sent = try returnCase().sendReturn(carrier: .dpd, tracking: "X1", by: customer, at: t0 + 4 * day, deadlines: deadlines).file
        let t = try sent.confirmReturn(received: false, message: "", by: merchant, at: t0 + 6 * day, deadlines: deadlines, shopInsolvent: false)
        #expect(t.file == sent)
        #expect(t.events.map(\.kind) == [.returnNotReceivedYet])
        #expect(t.notices == [Notice(.returnNotReceivedYet, to: .customer)])
    }

    @Test func onlyASentReturnCanBeConfirmedOnceAndNotByAnInsolventShop() throws {
        #expect(throws: CaseError.noReturnToConfirm) {
            try returnCase().confirmReturn(received: true, message: "", by: merchant, at: t0 + 2 * day, deadlines: deadlines, shopInsolvent: false)
        }
        let sent = try returnCase().sendReturn(carrier: .dpd, tracking: "X1", by: customer, at: t0 + 4 * day, deadlines: deadlines).file
        #expect(throws: CaseError.shopInsolvent) {
            try sent.confirmReturn(received: true, message: "", by: merchant, at: t0 + 5 * day, deadlines: deadlines, shopInsolvent: true)
        }
        let received = try sent.confirmReturn(received: true, message: "", by: merchant, at: t0 + 5 * day, deadlines: deadlines, shopInsolvent: false).file
        #expect(throws: CaseError.noReturnToConfirm) {
            try received.confirmReturn(received: true, message: "", by: merchant, at: t0 + 6 * day, deadlines: deadlines, shopInsolvent: false)
        }
    }

    @Test func whilePausedTheCustomerDeadlineNeverCloses() throws {
        let sent = try returnCase().sendReturn(carrier: .dpd, tracking: "X1", by: customer, at: t0 + 4 * day, deadlines: deadlines).file
        #expect(sent.expireCustomerDeadline(at: t0 + 17 * day) == nil)
        #expect(sent.remindCustomer(at: t0 + 17 * day, deadlines: deadlines) == nil)
    }

    @Test func anUnconfirmedReturnEscalatesAfterFourteenDaysToTheSecond() throws {
        let sent = try returnCase().sendReturn(carrier: .dpd, tracking: "X1", by: customer, at: t0 + 4 * day, deadlines: deadlines).file
        #expect(sent.expireReturnDeadline(at: t0 + 18 * day - 1) == nil)
        let t = try #require(sent.expireReturnDeadline(at: t0 + 18 * day))
        #expect(t.file.state == .escalated)
        #expect(t.file.escalation == .returnUnconfirmed)
        #expect(t.file.returnDueAt == nil && t.file.customerTimeLeft == nil)
        #expect(t.notices == [Notice(.escalated, to: .customer), Notice(.escalated, to: .merchant)])
        #expect(t.file.expireReturnDeadline(at: t0 + 30 * day) == nil)
    }

    @Test func aMissedRefundDeadlineEscalates() throws {
        let sent = try returnCase().sendReturn(carrier: .dpd, tracking: "X1", by: customer, at: t0 + 4 * day, deadlines: deadlines).file
        let received = try sent.confirmReturn(received: true, message: "", by: merchant, at: t0 + 10 * day, deadlines: deadlines, shopInsolvent: false).file
        #expect(received.expireRefundDeadline(at: t0 + 15 * day - 1) == nil)
        #expect(received.expireReturnDeadline(at: t0 + 40 * day) == nil)
        let t = try #require(received.expireRefundDeadline(at: t0 + 15 * day))
        #expect(t.file.escalation == .refundOverdue)
        #expect(t.file.refundDueAt == nil)
        #expect(t.file.expireRefundDeadline(at: t0 + 16 * day) == nil)
    }

    @Test func theCustomerMayAnswerWhileTheGoodsTravel() throws {
        let sent = try returnCase().sendReturn(carrier: .dpd, tracking: "X1", by: customer, at: t0 + 4 * day, deadlines: deadlines).file
        let t = try sent.answer(.refundReceived, message: "Paid early", by: customer, at: t0 + 50 * day)
        #expect(t.file.closure == .refundConfirmed)
        #expect(t.file.returnDueAt == nil)
    }
}

@Suite struct AppealTests {
    @Test func eitherPartyMayAppealOnceWithinFourteenDays() throws {
        let decided = try decidedCase()
        #expect(decided.decision?.agents == ["a1"])
        #expect(decided.canAppeal(at: t0 + 17 * day - 1, deadlines: deadlines))
        #expect(!decided.canAppeal(at: t0 + 17 * day, deadlines: deadlines))
        for party in Party.allCases {
            let actor = party == .customer ? customer : merchant
            let t = try decided.appeal(from: party, reason: " Unfair ", by: actor, at: t0 + 5 * day, deadlines: deadlines, shopInsolvent: false)
            #expect(t.file.state == .escalated)
            #expect(t.file.escalation == .appeal)
            #expect(t.file.escalatedAt == t0 + 5 * day && t.file.queuedAt == t0 + 5 * day)
            #expect(t.file.closure == nil && t.file.closedAt == nil && t.file.decision == nil)
            #expect(t.file.appeal == Appeal(party: party, at: t0 + 5 * day, excludedAgents: ["a1"]))
            #expect(t.events.map(\.kind) == [.appealed, .escalated])
            #expect(t.events[0].text == "Unfair" && t.events[0].carriesDocuments)
            #expect(t.notices == [Notice(.appealed, to: .customer), Notice(.appealed, to: .merchant)])
        }
    }

    @Test func aLateOrSecondOrReasonlessAppealIsRefused() throws {
        let decided = try decidedCase()
        #expect(throws: CaseError.appealWindowPassed) {
            try decided.appeal(from: .customer, reason: "x", by: customer, at: t0 + 17 * day, deadlines: deadlines, shopInsolvent: false)
        }
        #expect(throws: CaseError.messageRequired) {
            try decided.appeal(from: .customer, reason: "  ", by: customer, at: t0 + 4 * day, deadlines: deadlines, shopInsolvent: false)
        }
        #expect(throws: CaseError.shopInsolvent) {
            try decided.appeal(from: .merchant, reason: "x", by: merchant, at: t0 + 4 * day, deadlines: deadlines, shopInsolvent: true)
        }
        let appealed = try decided.appeal(from: .customer, reason: "x", by: customer, at: t0 + 4 * day, deadlines: deadlines, shopInsolvent: false).file
        let final = try appealed.decide(.rejected, amount: nil, text: "Final", by: .agent("a2"), at: t0 + 6 * day, coverageLimit: money(500_000)).file
        #expect(final.state == .closed && final.decision?.agents == ["a2"])
        #expect(!final.canAppeal(at: t0 + 7 * day, deadlines: deadlines))
        #expect(final.appealEnds(deadlines: deadlines) == nil)
        #expect(throws: CaseError.appealUsed) {
            try final.appeal(from: .merchant, reason: "again", by: merchant, at: t0 + 7 * day, deadlines: deadlines, shopInsolvent: false)
        }
    }

    @Test func onlyAServiceDecisionCanBeAppealed() throws {
        let accepted = try repliedCase(.no).answer(.accept, message: "", by: customer, at: t0 + 2 * day).file
        #expect(!accepted.canAppeal(at: t0 + 3 * day, deadlines: deadlines))
        #expect(throws: CaseError.wrongState(.closed)) {
            try accepted.appeal(from: .customer, reason: "x", by: customer, at: t0 + 3 * day, deadlines: deadlines, shopInsolvent: false)
        }
        #expect(throws: CaseError.wrongState(.escalated)) {
            try escalatedCase().appeal(from: .customer, reason: "x", by: customer, at: t0 + 3 * day, deadlines: deadlines, shopInsolvent: false)
        }
    }

    @Test func theFirstDecidingAgentCannotDecideTheAppeal() throws {
        let appealed = try decidedCase().appeal(from: .merchant, reason: "x", by: merchant, at: t0 + 4 * day, deadlines: deadlines, shopInsolvent: false).file
        #expect(throws: CaseError.decidedBefore) {
            try appealed.decide(.settled, amount: nil, text: "Same", by: agent, at: t0 + 5 * day, coverageLimit: money(500_000))
        }
        // Notes and messages are still the first agent's to write.
        _ = try appealed.note("I decided first", by: agent, at: t0 + 5 * day)
    }
}

@Suite struct FourEyesPayoutTests {
    let limit = money(500_000)
    let threshold = money(10_000)

    @Test func aPayoutAboveTheThresholdIsOnlyProposed() throws {
        let t = try escalatedCase().decide(
            .guaranteePayout, amount: money(20_000), text: "Pay", by: agent, at: t0 + 3 * day, coverageLimit: limit,
            approvalAbove: threshold)
        #expect(t.file.state == .escalated)
        #expect(t.file.proposal == PayoutProposal(amount: money(20_000), agentID: "a1", text: "Pay", at: t0 + 3 * day))
        #expect(t.events.map(\.kind) == [.payoutProposed])
        #expect(t.events[0].audience == .agentsOnly)
        #expect(t.notices.isEmpty)
    }

    @Test func aPayoutAtTheThresholdOrAnotherOutcomeClosesAtOnce() throws {
        let atThreshold = try escalatedCase().decide(
            .guaranteePayout, amount: money(10_000), text: "Pay", by: agent, at: t0 + 3 * day, coverageLimit: limit,
            approvalAbove: threshold)
        #expect(atThreshold.file.state == .closed)
        let refund = try escalatedCase().decide(
            .refundByMerchant, amount: money(20_000), text: "Refund", by: agent, at: t0 + 3 * day, coverageLimit: limit,
            approvalAbove: threshold)
        #expect(refund.file.state == .closed)
        let everyPayout = try escalatedCase().decide(
            .guaranteePayout, amount: money(1), text: "Pay", by: agent, at: t0 + 3 * day, coverageLimit: limit,
            approvalAbove: money(0))
        #expect(everyPayout.file.proposal != nil)
    }

    func proposed() throws -> CaseFile {
        try escalatedCase().decide(
            .guaranteePayout, amount: money(20_000), text: "Pay", by: agent, at: t0 + 3 * day, coverageLimit: limit,
            approvalAbove: threshold
        ).file
    }

    @Test func aSecondAgentApprovesAndTheCaseClosesWithBothNames() throws {
        let t = try proposed().approvePayout(by: .agent("a2"), at: t0 + 4 * day, coverageLimit: limit)
        #expect(t.file.state == .closed && t.file.closure == .serviceDecision)
        #expect(t.file.decision == ServiceDecision(outcome: .guaranteePayout, amount: money(20_000), agents: ["a1", "a2"]))
        #expect(t.file.proposal == nil)
        #expect(t.events.map(\.kind) == [.payoutApproved, .decision, .closed])
        #expect(t.events[0].data["proposed_by"] == "a1")
        #expect(t.events[1].text == "Pay")
        #expect(t.notices == [Notice(.decision, to: .customer, text: "Pay"), Notice(.decision, to: .merchant, text: "Pay")])
    }

    @Test func theProposerCannotApproveOrReturnAndNothingElseIsDecidedMeanwhile() throws {
        let p = try proposed()
        #expect(throws: CaseError.ownProposal) { try p.approvePayout(by: agent, at: t0 + 4 * day, coverageLimit: limit) }
        #expect(throws: CaseError.ownProposal) { try p.returnPayout(note: "x", by: agent, at: t0 + 4 * day) }
        #expect(throws: CaseError.awaitingApproval) {
            try p.decide(.rejected, amount: nil, text: "No", by: .agent("a2"), at: t0 + 4 * day, coverageLimit: limit)
        }
        #expect(throws: CaseError.noProposal) {
            try escalatedCase().approvePayout(by: .agent("a2"), at: t0 + 4 * day, coverageLimit: limit)
        }
    }

    @Test func aPayoutAboveTheCoverageLimitIsRefusedEvenWithApproval() throws {
        #expect(throws: CaseError.amountAboveCoverageLimit) {
            try escalatedCase().decide(
                .guaranteePayout, amount: money(20_000), text: "Pay", by: agent, at: t0 + 3 * day, coverageLimit: money(15_000),
                approvalAbove: threshold)
        }
        #expect(throws: CaseError.amountAboveCoverageLimit) {
            try proposed().approvePayout(by: .agent("a2"), at: t0 + 4 * day, coverageLimit: money(15_000))
        }
    }

    @Test func sentBackWithANoteTheCaseCanBeDecidedAgain() throws {
        #expect(throws: CaseError.messageRequired) { try proposed().returnPayout(note: " ", by: .agent("a2"), at: t0 + 4 * day) }
        let t = try proposed().returnPayout(note: "Too much", by: .agent("a2"), at: t0 + 4 * day)
        #expect(t.file.proposal == nil && t.file.state == .escalated)
        #expect(t.events.map(\.kind) == [.payoutReturned])
        #expect(t.events[0].audience == .agentsOnly && t.events[0].text == "Too much")
        _ = try t.file.decide(.rejected, amount: nil, text: "No", by: agent, at: t0 + 5 * day, coverageLimit: limit)
    }

    @Test func anAppealAgainstAnApprovedPayoutExcludesBothAgents() throws {
        let closed = try proposed().approvePayout(by: .agent("a2"), at: t0 + 4 * day, coverageLimit: limit).file
        let appealed = try closed.appeal(from: .merchant, reason: "Too much", by: merchant, at: t0 + 5 * day, deadlines: deadlines, shopInsolvent: false).file
        #expect(appealed.appeal?.excludedAgents == ["a1", "a2"])
        for id in ["a1", "a2"] {
            #expect(throws: CaseError.decidedBefore) {
                try appealed.decide(.rejected, amount: nil, text: "No", by: .agent(id), at: t0 + 6 * day, coverageLimit: limit)
            }
        }
        let p = try appealed.decide(
            .guaranteePayout, amount: money(20_000), text: "Pay", by: .agent("a3"), at: t0 + 6 * day, coverageLimit: limit,
            approvalAbove: threshold
        ).file
        #expect(throws: CaseError.decidedBefore) { try p.approvePayout(by: .agent("a1"), at: t0 + 7 * day, coverageLimit: limit) }
        #expect(try p.approvePayout(by: .agent("a4"), at: t0 + 7 * day, coverageLimit: limit).file.state == .closed)
    }
}
