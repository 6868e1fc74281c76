import Foundation

/// Who may read an event. Internal notes are for agents alone; a message the service
/// team sends to one party is read by that party and the agents.
public struct Audience: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let customer = Audience(rawValue: 1)
    public static let merchant = Audience(rawValue: 2)
    public static let agent = Audience(rawValue: 4)

    public static let everyone: Audience = [.customer, .merchant, .agent]
    public static let agentsOnly: Audience = [.agent]

    public static func party(_ party: Party) -> Audience { party == .customer ? .customer : .merchant }
}

public enum ActorKind: String, Sendable, CaseIterable, Codable {
    case customer, merchant, agent, system
}

/// Who did something, as the timeline records it.
public struct ActorRef: Sendable, Equatable {
    public var kind: ActorKind
    /// The user's id for merchants and agents; the email for a customer; nil for the system.
    public var id: String?

    public init(kind: ActorKind, id: String? = nil) {
        self.kind = kind
        self.id = id
    }

    public static let system = ActorRef(kind: .system)
    public static func customer(_ email: String) -> ActorRef { ActorRef(kind: .customer, id: email) }
    public static func merchant(_ userID: String) -> ActorRef { ActorRef(kind: .merchant, id: userID) }
    public static func agent(_ userID: String) -> ActorRef { ActorRef(kind: .agent, id: userID) }
}

public enum EventKind: String, Sendable, CaseIterable, Codable {
    case caseOpened = "case_opened"
    case inquirySent = "inquiry_sent"
    case merchantReplied = "merchant_replied"
    case customerAnswered = "customer_answered"
    case escalated
    case closed
    case merchantReminded = "merchant_reminded"
    case customerReminded = "customer_reminded"
    case note
    case serviceMessage = "service_message"
    case partyMessage = "party_message"
    case documentsRequested = "documents_requested"
    case documentRequestExpired = "document_request_expired"
    case assigned
    case decision
    case inquiryAnswered = "inquiry_answered"
    case returnSent = "return_sent"
    case returnReceived = "return_received"
    case returnNotReceivedYet = "return_not_received_yet"
    case appealed
    case payoutProposed = "payout_proposed"
    case payoutApproved = "payout_approved"
    case payoutReturned = "payout_returned"
    /// A reply by email that needs a choice an email cannot carry, kept as it was written.
    case emailReply = "email_reply"
}

/// An event about to be appended to a case's timeline. Events are never changed
/// once written.
public struct EventDraft: Sendable, Equatable {
    public var kind: EventKind
    public var actor: ActorRef
    public var audience: Audience
    public var text: String?
    /// Small typed facts of the event ("refund": "yes", "amount": "24999", "reason": …).
    public var data: [String: String]
    /// Whether the documents uploaded with this action belong to this event.
    public var carriesDocuments: Bool

    public init(
        kind: EventKind, actor: ActorRef, audience: Audience = .everyone, text: String? = nil,
        data: [String: String] = [:], carriesDocuments: Bool = false
    ) {
        self.kind = kind
        self.actor = actor
        self.audience = audience
        self.text = text
        self.data = data
        self.carriesDocuments = carriesDocuments
    }
}

/// An email the transition causes, by kind and recipient; the mail layer words it.
public struct Notice: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case caseOpenedMerchant = "case_opened_merchant"
        case caseOpenedCustomer = "case_opened_customer"
        case inquiryReceived = "inquiry_received"
        case merchantReplied = "merchant_replied"
        case escalated
        case closed
        case merchantReminder = "merchant_reminder"
        case customerReminder = "customer_reminder"
        case serviceMessage = "service_message"
        case documentsRequested = "documents_requested"
        case decision
        case inquiryAnswered = "inquiry_answered"
        case returnSent = "return_sent"
        case returnReceived = "return_received"
        case returnNotReceivedYet = "return_not_received_yet"
        case appealed
    }

    public var kind: Kind
    public var to: Party
    /// Text the email quotes (the agent's message, the decision's reasons).
    public var text: String?

    public init(_ kind: Kind, to: Party, text: String? = nil) {
        self.kind = kind
        self.to = to
        self.text = text
    }
}
