/// What a shop's webhook endpoint can subscribe to. The names are the ones shops'
/// developers see in `BP-Event` and in a delivery's `type`; they never change.
public enum WebhookEventType: String, Sendable, CaseIterable, Codable {
    case caseOpened = "case.opened"
    case caseReplied = "case.replied"
    case caseAnswered = "case.answered"
    case caseEscalated = "case.escalated"
    case caseMessage = "case.message"
    case caseDocumentsRequested = "case.documents_requested"
    case caseDecided = "case.decided"
    case caseClosed = "case.closed"
    case protectionExpired = "protection.expired"

    /// The delivery a timeline event causes, if any. A shop hears only what its merchants
    /// may read on the case page: internal notes, a message to the customer alone and a
    /// request for the customer's documents stay with the service team, and inquiries
    /// (no merchant involvement) never reach a shop.
    public static func of(_ draft: EventDraft, caseKind: CaseKind) -> WebhookEventType? {
        guard caseKind == .claim, draft.audience.contains(.merchant) else { return nil }
        switch draft.kind {
        case .caseOpened: return .caseOpened
        case .merchantReplied: return .caseReplied
        case .customerAnswered: return .caseAnswered
        case .escalated: return .caseEscalated
        case .serviceMessage, .partyMessage: return .caseMessage
        case .documentsRequested: return .caseDocumentsRequested
        case .decision, .payoutApproved: return .caseDecided
        case .closed: return .caseClosed
        case .inquirySent, .merchantReminded, .customerReminded, .note, .documentRequestExpired, .assigned, .inquiryAnswered,
            .returnSent, .returnReceived, .returnNotReceivedYet, .appealed, .payoutProposed, .payoutReturned, .emailReply:
            return nil
        }
    }

    /// A stored subscription ("case.opened,case.closed"), unknown names dropped.
    public static func parseList(_ text: String) -> [WebhookEventType] {
        let names = Set(text.split(separator: ",").map(String.init))
        return allCases.filter { names.contains($0.rawValue) }
    }

    public static func list(_ events: [WebhookEventType]) -> String {
        allCases.filter(events.contains).map(\.rawValue).joined(separator: ",")
    }
}

/// When a delivery that failed is tried again: soon at first, then less often, for three
/// days from its first attempt (Stripe's and GitHub's shape). After that it is failed for
/// good and shown so in the shop's delivery log, where it can be sent again by hand.
public enum WebhookRetry {
    public static let giveUpAfter: Double = 3 * 86_400
    static let delays: [Double] = [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800]

    /// Seconds until the next attempt after `attempts` failed ones, or nil: give up.
    public static func delay(afterAttempts attempts: Int, secondsSinceCreated age: Double) -> Double? {
        guard age < giveUpAfter else { return nil }
        // The last attempt falls on the third day's end, not past it.
        return min(delays[min(max(attempts, 1), delays.count) - 1], giveUpAfter - age)
    }
}
