import Foundation

public enum CaseKind: String, Sendable, CaseIterable, Codable {
    /// A Buyer Protection case between customer and merchant.
    case claim
    /// A message for the service team (feedback option "other"): no merchant involved.
    case inquiry
}

public enum CaseReason: String, Sendable, CaseIterable, Codable {
    case notReceived = "not_received"
    case refundMissing = "refund_missing"
}

public enum CaseState: String, Sendable, CaseIterable, Codable {
    case awaitingMerchant = "awaiting_merchant"
    case awaitingCustomer = "awaiting_customer"
    case escalated
    /// An inquiry waiting for the service team.
    case open
    case closed

    public var isOpen: Bool { self != .closed }
}

/// "Do you intend to refund?"
public enum RefundIntent: String, Sendable, CaseIterable, Codable {
    case yes
    case yesAfterReturn = "yes_after_return"
    case no
}

/// Which answers the customer gets, decided by the merchant's reply (SPEC §3.2).
public enum Variant: String, Sendable, Codable {
    /// Refund of the full order value.
    case a = "A"
    /// Refund of less than the order value.
    case b = "B"
    /// No refund.
    case c = "C"

    public var answers: [CustomerAnswer] {
        switch self {
        case .a: [.refundReceived, .refundNotReceived]
        case .b: [.refundReceived, .refundNotReceived, .partialRefused]
        case .c: [.accept, .disagree]
        }
    }

    public static func of(refund: RefundIntent, amount: Money?, orderValue: Money) -> Variant {
        guard refund != .no, let amount else { return .c }
        return amount.minor >= orderValue.minor ? .a : .b
    }
}

public enum CustomerAnswer: String, Sendable, CaseIterable, Codable {
    case refundReceived = "refund_received"
    case refundNotReceived = "refund_not_received"
    case partialRefused = "partial_refused"
    case accept
    case disagree
}

public enum EscalationReason: String, Sendable, CaseIterable, Codable {
    case merchantNoResponse = "merchant_no_response"
    case refundNotReceived = "refund_not_received"
    case partialRefused = "partial_refused"
    case solutionDisputed = "solution_disputed"
    case insolvency
    /// A party appealed the service team's first decision.
    case appeal
    /// The merchant did not confirm the returned goods in time.
    case returnUnconfirmed = "return_unconfirmed"
    /// The merchant confirmed the returned goods but did not refund in time.
    case refundOverdue = "refund_overdue"
}

public enum Closure: String, Sendable, CaseIterable, Codable {
    case refundConfirmed = "refund_confirmed"
    case customerAccepted = "customer_accepted"
    case customerNoResponse = "customer_no_response"
    case serviceDecision = "service_decision"
    /// An inquiry the service team answered.
    case inquiryAnswered = "inquiry_answered"
}

public enum ServiceOutcome: String, Sendable, CaseIterable, Codable {
    case refundByMerchant = "refund_by_merchant"
    case guaranteePayout = "guarantee_payout"
    case rejected
    case settled

    public var needsAmount: Bool { self == .refundByMerchant || self == .guaranteePayout }
}

/// The two sides of a case, as recipients and as senders.
public enum Party: String, Sendable, CaseIterable, Codable {
    case customer, merchant
}

/// How the customer sent the goods back (SPEC issue: returns with a paused clock).
public enum ReturnCarrier: String, Sendable, CaseIterable, Codable {
    case dhl
    case dpd
    case gls
    case inpost
    case pocztaPolska = "poczta_polska"
    case ups
    case fedex
    case other
    /// Handed over at the shop or to its courier in person: nothing to track.
    case inPerson = "in_person"

    public var needsTracking: Bool { self != .inPerson }
}
