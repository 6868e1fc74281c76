import Foundation
import Testing
@testable import Protection

/// The case state machine, transition by transition and edge by edge (SPEC §3).
@Suite struct OpeningTests {
    @Test func aCaseOpensWaitingForTheMerchantForFiveDays() {
        let t = CaseFile.open(reason: .refundMissing, orderValue: money(24_999), message: " Brak zwrotu ", by: customer, at: t0,
                              deadlines: deadlines, shopInsolvent: false)
        #expect(t.file.state == .awaitingMerchant)
        #expect(t.file.merchantDueAt == t0 + 5 * day)
        #expect(t.events.map(\.kind) == [.caseOpened])
        #expect(t.events[0].text == "Brak zwrotu")
        #expect(t.events[0].carriesDocuments)
        #expect(t.notices == [Notice(.caseOpenedCustomer, to: .customer), Notice(.caseOpenedMerchant, to: .merchant)])
    }

    @Test func onAnInsolventShopACaseGoesStraightToTheServiceTeam() {
        let t = CaseFile.open(reason: .notReceived, orderValue: money(100), message: "", by: customer, at: t0, deadlines: deadlines,
                              shopInsolvent: true)
        #expect(t.file.state == .escalated)
        #expect(t.file.escalation == .insolvency)
        #expect(t.file.merchantDueAt == nil)
        #expect(t.file.queuedAt == t0)
        #expect(!t.notices.contains { $0.to == .merchant })
    }

    @Test func anInquiryGoesToTheServiceTeamOnly() {
        let t = CaseFile.openInquiry(orderValue: money(100), message: "Pytanie", by: customer, at: t0)
        #expect(t.file.kind == .inquiry)
        #expect(t.file.state == .open)
        #expect(t.events[0].audience == [.customer, .agent])
        #expect(t.notices == [Notice(.inquiryReceived, to: .customer)])
    }
}

@Suite struct MerchantReplyTests {
    @Test func aFullRefundIsVariantA() throws {
        let t = try openedCase().reply(refund: .yes, amount: money(24_999), message: "OK", by: merchant, at: t0 + day,
                                       deadlines: deadlines, shopInsolvent: false)
        #expect(t.file.state == .awaitingCustomer)
        #expect(t.file.reply?.variant == .a)
        #expect(t.file.customerDueAt == t0 + 21 * day)
        #expect(t.events.first?.data["amount"] == "24999")
        #expect(t.notices == [Notice(.merchantReplied, to: .customer)])
    }

    @Test func aPartialRefundIsVariantBWhicheverYes() throws {
        for intent in [RefundIntent.yes, .yesAfterReturn] {
            #expect(try repliedCase(intent, amount: 24_998).reply?.variant == .b)
            #expect(try repliedCase(intent, amount: 1).reply?.variant == .b)
        }
        #expect(try repliedCase(.yesAfterReturn, amount: 24_999).reply?.variant == .a)
    }

    @Test func noRefundIsVariantCAndIgnoresAnyAmount() throws {
        let file = try openedCase().reply(refund: .no, amount: money(5), message: "Nie", by: merchant, at: t0, deadlines: deadlines,
                                          shopInsolvent: false).file
        #expect(file.reply?.variant == .c)
        #expect(file.reply?.amount == nil)
    }

    @Test(arguments: [
        (RefundIntent.yes, Int64?.none, CaseError.amountRequired),
        (.yes, 0, .amountNotPositive),
        (.yesAfterReturn, 25_000, .amountAboveOrderValue),
    ] as [(RefundIntent, Int64?, CaseError)])
    func badAmountsAreRefused(intent: RefundIntent, amount: Int64?, error: CaseError) {
        #expect(throws: error) {
            try openedCase().reply(refund: intent, amount: amount.map(money), message: "x", by: merchant, at: t0, deadlines: deadlines,
                                   shopInsolvent: false)
        }
    }

    @Test func theJustificationIsMandatory() {
        for message in ["", "   ", "\n\t"] {
            #expect(throws: CaseError.messageRequired) {
                try openedCase().reply(refund: .no, amount: nil, message: message, by: merchant, at: t0, deadlines: deadlines,
                                       shopInsolvent: false)
            }
        }
    }

    @Test func anAmountInAnotherCurrencyIsRefused() {
        #expect(throws: CaseError.currencyMismatch) {
            try openedCase().reply(refund: .yes, amount: Money(minor: 100, currency: Currency(code: "EUR")!), message: "x", by: merchant,
                                   at: t0, deadlines: deadlines, shopInsolvent: false)
        }
    }

    @Test func theMerchantCanReplyUntilASecondBeforeTheDeadline() throws {
        let due = t0 + 5 * day
        #expect(try openedCase().reply(refund: .no, amount: nil, message: "x", by: merchant, at: due - 1, deadlines: deadlines,
                                       shopInsolvent: false).file.state == .awaitingCustomer)
        for late in [due, due + 1] {
            #expect(throws: CaseError.deadlinePassed) {
                try openedCase().reply(refund: .no, amount: nil, message: "x", by: merchant, at: late, deadlines: deadlines, shopInsolvent: false)
            }
        }
    }

    @Test func aReplyIsOnlyTakenWhileWaitingForTheMerchant() throws {
        let replied = try repliedCase(.no)
        #expect(throws: CaseError.wrongState(.awaitingCustomer)) {
            try replied.reply(refund: .no, amount: nil, message: "again", by: merchant, at: t0 + 2 * day, deadlines: deadlines, shopInsolvent: false)
        }
        #expect(throws: CaseError.wrongState(.escalated)) {
            try escalatedCase().reply(refund: .no, amount: nil, message: "x", by: merchant, at: t0 + 3 * day, deadlines: deadlines, shopInsolvent: false)
        }
    }

    @Test func merchantsOfAnInsolventShopCannotAct() {
        #expect(throws: CaseError.shopInsolvent) {
            try openedCase().reply(refund: .no, amount: nil, message: "x", by: merchant, at: t0, deadlines: deadlines, shopInsolvent: true)
        }
    }
}

@Suite struct CustomerAnswerTests {
    @Test(arguments: [
        (Variant.a, CustomerAnswer.refundReceived, CaseState.closed, Closure?.some(.refundConfirmed), EscalationReason?.none),
        (.a, .refundNotReceived, .escalated, nil, .refundNotReceived),
        (.b, .refundReceived, .closed, .refundConfirmed, nil),
        (.b, .refundNotReceived, .escalated, nil, .refundNotReceived),
        (.b, .partialRefused, .escalated, nil, .partialRefused),
        (.c, .accept, .closed, .customerAccepted, nil),
        (.c, .disagree, .escalated, nil, .solutionDisputed),
    ] as [(Variant, CustomerAnswer, CaseState, Closure?, EscalationReason?)])
    func everyAnswerOfEveryVariantHasItsEffect(variant: Variant, answer: CustomerAnswer, state: CaseState, closure: Closure?,
                                               escalation: EscalationReason?) throws {
        let replied: CaseFile
        switch variant {
        case .a: replied = try repliedCase(.yes, amount: 24_999)
        case .b: replied = try repliedCase(.yes, amount: 10_000)
        case .c: replied = try repliedCase(.no)
        }
        let t = try replied.answer(answer, message: "", by: customer, at: t0 + 2 * day)
        #expect(t.file.state == state)
        #expect(t.file.closure == closure)
        #expect(t.file.escalation == escalation)
        #expect(t.events.first?.kind == .customerAnswered)
        #expect(t.events.last?.kind == (state == .closed ? .closed : .escalated))
        let kind: Notice.Kind = state == .closed ? .closed : .escalated
        #expect(t.notices == [Notice(kind, to: .customer), Notice(kind, to: .merchant)])
        #expect(t.file.queuedAt == (state == .escalated ? t0 + 2 * day : nil))
    }

    @Test func anAnswerOfAnotherVariantIsRefused() throws {
        let variantA = try repliedCase(.yes, amount: 24_999)
        for answer in [CustomerAnswer.partialRefused, .accept, .disagree] {
            #expect(throws: CaseError.answerNotInVariant(answer, .a)) { try variantA.answer(answer, message: "", by: customer, at: t0 + 2 * day) }
        }
        let variantC = try repliedCase(.no)
        for answer in [CustomerAnswer.refundReceived, .refundNotReceived, .partialRefused] {
            #expect(throws: CaseError.answerNotInVariant(answer, .c)) { try variantC.answer(answer, message: "", by: customer, at: t0 + 2 * day) }
        }
        #expect(Variant.b.answers == [.refundReceived, .refundNotReceived, .partialRefused])
    }

    @Test func theCustomerCanAnswerUntilASecondBeforeTwentyDays() throws {
        let replied = try repliedCase(.no)
        let due = t0 + day + 20 * day
        #expect(try replied.answer(.accept, message: "", by: customer, at: due - 1).file.state == .closed)
        #expect(throws: CaseError.deadlinePassed) { try replied.answer(.accept, message: "", by: customer, at: due) }
    }

    @Test func anAnswerIsOnlyTakenWhileWaitingForTheCustomer() throws {
        #expect(throws: CaseError.wrongState(.awaitingMerchant)) { try openedCase().answer(.accept, message: "", by: customer, at: t0) }
        let closed = try repliedCase(.no).answer(.accept, message: "", by: customer, at: t0 + 2 * day).file
        #expect(throws: CaseError.wrongState(.closed)) { try closed.answer(.accept, message: "", by: customer, at: t0 + 3 * day) }
    }
}

@Suite struct ClockTransitionTests {
    @Test func fiveDaysWithoutAReplyEscalate() {
        let file = openedCase()
        let due = t0 + 5 * day
        #expect(file.expireMerchantDeadline(at: due - 1) == nil)
        let t = file.expireMerchantDeadline(at: due)
        #expect(t?.file.state == .escalated)
        #expect(t?.file.escalation == .merchantNoResponse)
        #expect(t?.events.map(\.actor) == [.system])
        #expect(t?.notices == [Notice(.escalated, to: .customer), Notice(.escalated, to: .merchant)])
        #expect(file.expireMerchantDeadline(at: due + 100 * day)?.file.escalatedAt == due + 100 * day)
        #expect(t?.file.expireMerchantDeadline(at: due + 1) == nil, "once only")
    }

    @Test func twentyDaysWithoutAnAnswerClose() throws {
        let file = try repliedCase(.no)
        let due = t0 + 21 * day
        #expect(file.expireCustomerDeadline(at: due - 1) == nil)
        let t = file.expireCustomerDeadline(at: due)
        #expect(t?.file.state == .closed)
        #expect(t?.file.closure == .customerNoResponse)
        #expect(t?.notices.count == 2)
        #expect(t?.file.expireCustomerDeadline(at: due + 1) == nil)
    }

    @Test func theMerchantIsRemindedOnceADayBeforeTheDeadline() {
        let file = openedCase()
        let due = t0 + 5 * day
        #expect(file.remindMerchant(at: due - day - 1, deadlines: deadlines) == nil)
        let t = file.remindMerchant(at: due - day, deadlines: deadlines)
        #expect(t?.notices == [Notice(.merchantReminder, to: .merchant)])
        #expect(t?.events.first?.audience == [.merchant, .agent])
        #expect(t?.file.remindMerchant(at: due - 1, deadlines: deadlines) == nil, "once")
        #expect(file.remindMerchant(at: due, deadlines: deadlines) == nil, "not after the deadline")
    }

    @Test func theCustomerIsRemindedOnceFiveDaysBeforeTheDeadline() throws {
        let file = try repliedCase(.no)
        let due = t0 + 21 * day
        #expect(file.remindCustomer(at: due - 5 * day - 1, deadlines: deadlines) == nil)
        let t = file.remindCustomer(at: due - 5 * day, deadlines: deadlines)
        #expect(t?.notices == [Notice(.customerReminder, to: .customer)])
        #expect(t?.file.remindCustomer(at: due - day, deadlines: deadlines) == nil)
        #expect(file.remindCustomer(at: due, deadlines: deadlines) == nil)
    }

    @Test func clockTransitionsLeaveOtherStatesAlone() throws {
        let escalated = try escalatedCase()
        #expect(escalated.expireMerchantDeadline(at: t0 + 100 * day) == nil)
        #expect(escalated.expireCustomerDeadline(at: t0 + 100 * day) == nil)
        #expect(escalated.remindMerchant(at: t0 + 4 * day, deadlines: deadlines) == nil)
        let replied = try repliedCase(.no)
        #expect(replied.expireMerchantDeadline(at: t0 + 100 * day) == nil, "a reply a second before the deadline keeps the case")
    }

    @Test func insolvencyEscalatesOpenCasesOnly() throws {
        for file in [openedCase(), try repliedCase(.no)] {
            let t = file.escalateForInsolvency(at: t0 + 2 * day)
            #expect(t?.file.state == .escalated)
            #expect(t?.file.escalation == .insolvency)
            #expect(t?.file.merchantDueAt == nil)
            #expect(t?.file.customerDueAt == nil)
        }
        #expect(try escalatedCase().escalateForInsolvency(at: t0 + 3 * day) == nil)
    }
}

@Suite struct ServiceTeamTests {
    let limit = money(20_000)

    @Test func notesAreForAgentsAlone() throws {
        let t = try escalatedCase().note("Sprawdzić przewoźnika", by: agent, at: t0 + 3 * day)
        #expect(t.events.first?.audience == .agentsOnly)
        #expect(t.notices.isEmpty)
        #expect(throws: CaseError.messageRequired) { try escalatedCase().note(" ", by: agent, at: t0) }
    }

    @Test func messagesReachTheirRecipientsOnly() throws {
        let toCustomer = try escalatedCase().serviceMessage(to: [.customer], text: "Hi", by: agent, at: t0 + 3 * day)
        #expect(toCustomer.events.first?.audience == [.agent, .customer])
        #expect(toCustomer.notices == [Notice(.serviceMessage, to: .customer, text: "Hi")])
        let toBoth = try escalatedCase().serviceMessage(to: [.customer, .merchant], text: "Hi", by: agent, at: t0 + 3 * day)
        #expect(toBoth.events.first?.audience == .everyone)
        #expect(toBoth.notices.count == 2)
        #expect(throws: CaseError.wrongState(.awaitingMerchant)) {
            try openedCase().serviceMessage(to: [.customer], text: "Hi", by: agent, at: t0)
        }
    }

    @Test func documentRequestsGoToOnePartyWithADeadline() throws {
        let t = try escalatedCase().requestDocuments(from: .merchant, text: "Potwierdzenie przelewu", by: agent, at: t0 + 3 * day,
                                                     deadlines: deadlines)
        #expect(t.events.first?.audience == [.agent, .merchant])
        #expect(t.events.first?.data["due"] == ISO8601.string(t0 + 10 * day))
        #expect(t.notices == [Notice(.documentsRequested, to: .merchant, text: "Potwierdzenie przelewu")])
    }

    @Test func partiesMayWriteWhileTheServiceTeamMediates() throws {
        let t = try escalatedCase().partyMessage(from: .customer, message: "", hasDocuments: true, by: customer, at: t0 + 3 * day,
                                                 shopInsolvent: false)
        #expect(t.events.first?.carriesDocuments == true)
        #expect(throws: CaseError.emptyMessage) {
            try escalatedCase().partyMessage(from: .customer, message: " ", hasDocuments: false, by: customer, at: t0, shopInsolvent: false)
        }
        #expect(throws: CaseError.shopInsolvent) {
            try escalatedCase().partyMessage(from: .merchant, message: "x", hasDocuments: false, by: merchant, at: t0, shopInsolvent: true)
        }
        #expect(throws: CaseError.wrongState(.awaitingMerchant)) {
            try openedCase().partyMessage(from: .customer, message: "x", hasDocuments: false, by: customer, at: t0, shopInsolvent: false)
        }
    }

    @Test(arguments: [
        (ServiceOutcome.refundByMerchant, Int64?.some(24_999), CaseError?.none),
        (.refundByMerchant, 25_000, .amountAboveOrderValue),
        (.refundByMerchant, nil, .amountRequired),
        (.guaranteePayout, 20_000, nil),
        (.guaranteePayout, 20_001, .amountAboveCoverageLimit),
        (.guaranteePayout, 0, .amountNotPositive),
        (.rejected, nil, nil),
        (.settled, nil, nil),
    ] as [(ServiceOutcome, Int64?, CaseError?)])
    func decisionsCloseWithinTheirLimits(outcome: ServiceOutcome, amount: Int64?, error: CaseError?) throws {
        let file = try escalatedCase()
        if let error {
            #expect(throws: error) { try file.decide(outcome, amount: amount.map(money), text: "Decyzja", by: agent, at: t0 + 5 * day, coverageLimit: limit) }
        } else {
            let t = try file.decide(outcome, amount: amount.map(money), text: "Decyzja", by: agent, at: t0 + 5 * day, coverageLimit: limit)
            #expect(t.file.state == .closed)
            #expect(t.file.closure == .serviceDecision)
            #expect(t.file.decision?.outcome == outcome)
            #expect(t.file.decision?.amount == (outcome.needsAmount ? amount.map(money) : nil))
            #expect(t.notices == [Notice(.decision, to: .customer, text: "Decyzja"), Notice(.decision, to: .merchant, text: "Decyzja")])
        }
    }

    @Test func aDecisionNeedsItsTextAndAnEscalatedCase() throws {
        #expect(throws: CaseError.messageRequired) {
            try escalatedCase().decide(.rejected, amount: nil, text: "  ", by: agent, at: t0, coverageLimit: limit)
        }
        #expect(throws: CaseError.wrongState(.awaitingMerchant)) {
            try openedCase().decide(.rejected, amount: nil, text: "x", by: agent, at: t0, coverageLimit: limit)
        }
    }

    @Test func aClosedCaseTakesNothingMore() throws {
        let closed = try escalatedCase().decide(.settled, amount: nil, text: "Ugoda", by: agent, at: t0 + 5 * day, coverageLimit: limit).file
        let at = t0 + 6 * day
        #expect(throws: CaseError.wrongState(.closed)) { try closed.note("x", by: agent, at: at) }
        #expect(throws: CaseError.wrongState(.closed)) { try closed.serviceMessage(to: [.customer], text: "x", by: agent, at: at) }
        #expect(throws: CaseError.wrongState(.closed)) { try closed.requestDocuments(from: .customer, text: "x", by: agent, at: at, deadlines: deadlines) }
        #expect(throws: CaseError.wrongState(.closed)) { try closed.assign(to: "a2", at: at) }
        #expect(throws: CaseError.wrongState(.closed)) { try closed.decide(.settled, amount: nil, text: "x", by: agent, at: at, coverageLimit: limit) }
        #expect(throws: CaseError.wrongState(.closed)) { try closed.partyMessage(from: .customer, message: "x", hasDocuments: false, by: customer, at: at, shopInsolvent: false) }
        #expect(closed.expireCustomerDeadline(at: at + 100 * day) == nil)
        #expect(closed.queuedAt == nil)
    }

    @Test func inquiriesAreAnsweredAndClosed() throws {
        let inquiry = CaseFile.openInquiry(orderValue: money(100), message: "?", by: customer, at: t0).file
        let t = try inquiry.answerInquiry("Odpowiedź", by: agent, at: t0 + day)
        #expect(t.file.state == .closed)
        #expect(t.file.closure == .inquiryAnswered)
        #expect(t.events.allSatisfy { !$0.audience.contains(.merchant) })
        #expect(throws: CaseError.wrongKind) { try openedCase().answerInquiry("x", by: agent, at: t0) }
        #expect(throws: CaseError.wrongKind) { try inquiry.decide(.settled, amount: nil, text: "x", by: agent, at: t0, coverageLimit: money(1)) }
    }

    @Test func assigningRecordsTheAgent() throws {
        let t = try escalatedCase().assign(to: "a7", at: t0 + 3 * day)
        #expect(t.file.assignedAgentID == "a7")
        #expect(t.events.first?.audience == .agentsOnly)
    }
}
