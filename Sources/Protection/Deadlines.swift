import Foundation

/// The durations that run the clock (SPEC §2, §3). Configuration, with the SPEC's defaults.
public struct Deadlines: Sendable, Equatable {
    public var protectionDays: Int = 30
    public var feedbackReminderDay: Int = 23
    public var merchantDays: Int = 5
    public var customerDays: Int = 20
    public var documentRequestDays: Int = 7
    /// The merchant is reminded this long before the merchant deadline.
    public var merchantReminderDaysBefore: Int = 1
    /// The customer is reminded this long before the customer deadline.
    public var customerReminderDaysBefore: Int = 5

    public init() {}

    public static let day: TimeInterval = 86_400

    public func protectionExpiry(activatedAt: Date) -> Date { activatedAt + Double(protectionDays) * Self.day }
    public func feedbackReminderAt(activatedAt: Date) -> Date { activatedAt + Double(feedbackReminderDay) * Self.day }
    public func merchantDue(openedAt: Date) -> Date { openedAt + Double(merchantDays) * Self.day }
    public func customerDue(repliedAt: Date) -> Date { repliedAt + Double(customerDays) * Self.day }
    public func documentRequestDue(requestedAt: Date) -> Date { requestedAt + Double(documentRequestDays) * Self.day }
    public func merchantReminderAt(due: Date) -> Date { due - Double(merchantReminderDaysBefore) * Self.day }
    public func customerReminderAt(due: Date) -> Date { due - Double(customerReminderDaysBefore) * Self.day }

    /// Whole days left until `due`, rounded up, never negative: what "N days left" shows.
    public static func daysLeft(until due: Date, from now: Date) -> Int {
        let seconds = due.timeIntervalSince(now)
        guard seconds > 0 else { return 0 }
        return Int((seconds / day).rounded(.up))
    }
}
