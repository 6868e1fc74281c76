import Foundation

/// The merchant's answer to a case.
public struct MerchantReply: Sendable, Equatable {
    public var refund: RefundIntent
    /// The refund amount for `yes`/`yes_after_return`; nil for `no`.
    public var amount: Money?
    public var variant: Variant

    public init(refund: RefundIntent, amount: Money?, variant: Variant) {
        self.refund = refund
        self.amount = amount
        self.variant = variant
    }
}

public struct ServiceDecision: Sendable, Equatable {
    public var outcome: ServiceOutcome
    public var amount: Money?
    /// The agents who made it: the one who decided, or the proposer and the approver of a
    /// payout. None of them may decide an appeal against it.
    public var agents: [String]

    public init(outcome: ServiceOutcome, amount: Money?, agents: [String] = []) {
        self.outcome = outcome
        self.amount = amount
        self.agents = agents
    }
}

/// A guarantee payout above the approval threshold, waiting for a second agent.
public struct PayoutProposal: Sendable, Equatable {
    public var amount: Money
    public var agentID: String
    /// The message to both parties, sent when the payout is approved.
    public var text: String
    public var at: Date

    public init(amount: Money, agentID: String, text: String, at: Date) {
        self.amount = amount
        self.agentID = agentID
        self.text = text
        self.at = at
    }
}

/// The goods on their way back to the merchant.
public struct ReturnShipment: Sendable, Equatable {
    public var carrier: ReturnCarrier
    public var tracking: String?
    public var sentAt: Date

    public init(carrier: ReturnCarrier, tracking: String?, sentAt: Date) {
        self.carrier = carrier
        self.tracking = tracking
        self.sentAt = sentAt
    }
}

/// One party's appeal against the service team's decision; a case has at most one.
public struct Appeal: Sendable, Equatable {
    public var party: Party
    public var at: Date
    /// The agents of the decision appealed against, who may not decide it again.
    public var excludedAgents: [String]

    public init(party: Party, at: Date, excludedAgents: [String]) {
        self.party = party
        self.at = at
        self.excludedAgents = excludedAgents
    }
}

/// Everything the lifecycle rules look at of one case. A value: the rules return a
/// changed copy, the store persists it.
public struct CaseFile: Sendable, Equatable {
    public var kind: CaseKind
    public var reason: CaseReason?
    public var state: CaseState
    public var orderValue: Money
    public var openedAt: Date
    public var merchantDueAt: Date?
    public var customerDueAt: Date?
    public var merchantRemindedAt: Date?
    public var customerRemindedAt: Date?
    public var reply: MerchantReply?
    public var repliedAt: Date?
    public var escalation: EscalationReason?
    public var escalatedAt: Date?
    public var closure: Closure?
    public var closedAt: Date?
    public var decision: ServiceDecision?
    public var assignedAgentID: String?
    /// A payout waiting for a second agent's approval.
    public var proposal: PayoutProposal?
    public var appeal: Appeal?
    public var returnShipment: ReturnShipment?
    /// The merchant confirms the returned goods by then, or the service team takes over.
    public var returnDueAt: Date?
    public var goodsReceivedAt: Date?
    /// The merchant refunds by then, once the goods are back.
    public var refundDueAt: Date?
    /// The customer's answer window while the goods travel: the time it had left. The
    /// window is paused (`customerDueAt` nil) until the merchant confirms receipt.
    public var customerTimeLeft: TimeInterval?

    public init(kind: CaseKind, reason: CaseReason?, state: CaseState, orderValue: Money, openedAt: Date) {
        self.kind = kind
        self.reason = reason
        self.state = state
        self.orderValue = orderValue
        self.openedAt = openedAt
    }

    /// When the case entered the service team's queue (escalation, or an inquiry's arrival).
    public var queuedAt: Date? {
        switch state {
        case .escalated: escalatedAt
        case .open: openedAt
        default: nil
        }
    }
}

/// The result of one event on a case: the new case, the events to append, the emails to send.
public struct Transition: Sendable, Equatable {
    public var file: CaseFile
    public var events: [EventDraft]
    public var notices: [Notice]

    public init(file: CaseFile, events: [EventDraft], notices: [Notice]) {
        self.file = file
        self.events = events
        self.notices = notices
    }
}

public enum CaseError: Error, Equatable, Sendable {
    /// The action does not fit the case's state (it changed meanwhile, or never could).
    case wrongState(CaseState)
    /// The deadline for this action has passed; the case moves on without it.
    case deadlinePassed
    case answerNotInVariant(CustomerAnswer, Variant)
    case messageRequired
    case amountRequired
    case amountNotPositive
    case amountAboveOrderValue
    case amountAboveCoverageLimit
    case currencyMismatch
    /// The shop is insolvent: its merchants can no longer act.
    case shopInsolvent
    /// The action is for claims (not inquiries) or the other way round.
    case wrongKind
    /// Nothing to send: neither a message nor documents.
    case emptyMessage
    /// A payout proposal waits for a second agent: no other decision meanwhile.
    case awaitingApproval
    /// There is no payout proposal to approve or send back.
    case noProposal
    /// The agent who proposed a payout cannot approve or return it.
    case ownProposal
    /// This agent made the decision under appeal; another agent decides the appeal.
    case decidedBefore
    /// The appeal window closed, or the case's one appeal was used.
    case appealWindowPassed
    case appealUsed
    /// The merchant did not ask for the goods back, or they were already sent.
    case noReturnAsked
    case returnAlreadySent
    /// Nothing was sent back, or it was already confirmed.
    case noReturnToConfirm
    case trackingRequired
    /// A tracking number has letters, digits, spaces and `-/.` only, at most 40 characters.
    case trackingInvalid
}
