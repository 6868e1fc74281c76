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

    public init(outcome: ServiceOutcome, amount: Money?) {
        self.outcome = outcome
        self.amount = amount
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
}
