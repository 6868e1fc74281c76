import Foundation

public enum ProtectionState: String, Sendable, CaseIterable, Codable {
    case active, completed, expired, claimed
}

/// The four answers of the feedback form, in the order the form shows them.
public enum FeedbackOption: String, Sendable, CaseIterable {
    case allFine = "all_fine"
    case notReceived = "not_received"
    case refundMissing = "refund_missing"
    case other
}

/// What the platform needs to know of a protection to apply its rules.
public struct ProtectionFacts: Sendable, Equatable {
    public var state: ProtectionState
    public var activatedAt: Date
    public var expiresAt: Date
    public var reminderSentAt: Date?
    public var hasCase: Bool

    public init(state: ProtectionState, activatedAt: Date, expiresAt: Date, reminderSentAt: Date? = nil, hasCase: Bool = false) {
        self.state = state
        self.activatedAt = activatedAt
        self.expiresAt = expiresAt
        self.reminderSentAt = reminderSentAt
        self.hasCase = hasCase
    }

    /// Active means: still in its window, not ended by the customer, no case yet.
    /// The window is checked here too, so a protection is over at day 30 even when the
    /// sweeper has not yet marked it expired.
    public func isActive(at now: Date) -> Bool {
        state == .active && !hasCase && now < expiresAt
    }
}

public enum FeedbackError: Error, Equatable, Sendable {
    /// The protection already has a case (state `claimed`).
    case alreadyClaimed
    /// The customer ended it or its 30 days are over.
    case ended
}

public enum FeedbackOutcome: Equatable, Sendable {
    case complete
    case openCase(CaseReason)
    case inquiry
}

public enum ProtectionRules {
    /// The effect of the customer's feedback (SPEC §2), or why it cannot be given.
    public static func feedback(_ option: FeedbackOption, on protection: ProtectionFacts, at now: Date) throws(FeedbackError)
        -> FeedbackOutcome
    {
        if protection.hasCase || protection.state == .claimed { throw .alreadyClaimed }
        guard protection.isActive(at: now) else { throw .ended }
        switch option {
        case .allFine: return .complete
        case .notReceived: return .openCase(.notReceived)
        case .refundMissing: return .openCase(.refundMissing)
        case .other: return .inquiry
        }
    }

    /// Whether the day-23 "did everything go well?" email is due now.
    public static func feedbackReminderDue(_ protection: ProtectionFacts, at now: Date, deadlines: Deadlines) -> Bool {
        protection.reminderSentAt == nil && protection.isActive(at: now)
            && now >= deadlines.feedbackReminderAt(activatedAt: protection.activatedAt)
    }

    /// Whether the protection's 30 days ran out without a case.
    public static func expiryDue(_ protection: ProtectionFacts, at now: Date) -> Bool {
        protection.state == .active && !protection.hasCase && now >= protection.expiresAt
    }
}
