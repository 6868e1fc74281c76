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
    /// The merchant confirms returned goods within this many days of their sending.
    public var returnDays: Int = 14
    /// The merchant refunds within this many days of confirming the returned goods.
    public var refundDays: Int = 5
    /// Either party may appeal a service decision this many days after it.
    public var appealDays: Int = 14
    /// When set, the merchant's days (answer, refund) and document requests count working
    /// days of this calendar; the customer's days and the protection stay calendar days.
    public var workCalendar: WorkCalendar?

    public init() {}

    public static let day: TimeInterval = 86_400

    public func protectionExpiry(activatedAt: Date) -> Date { activatedAt + Double(protectionDays) * Self.day }
    public func feedbackReminderAt(activatedAt: Date) -> Date { activatedAt + Double(feedbackReminderDay) * Self.day }
    public func merchantDue(openedAt: Date) -> Date { working(merchantDays, after: openedAt) }
    public func customerDue(repliedAt: Date) -> Date { repliedAt + Double(customerDays) * Self.day }
    public func documentRequestDue(requestedAt: Date) -> Date { working(documentRequestDays, after: requestedAt) }
    public func returnDue(sentAt: Date) -> Date { sentAt + Double(returnDays) * Self.day }
    public func refundDue(receivedAt: Date) -> Date { working(refundDays, after: receivedAt) }
    public func appealEnds(decidedAt: Date) -> Date { decidedAt + Double(appealDays) * Self.day }

    /// `days` after `start`: calendar days, or working days when a work calendar is set.
    func working(_ days: Int, after start: Date) -> Date {
        guard let workCalendar else { return start + Double(days) * Self.day }
        return workCalendar.adding(workingDays: days, to: start)
    }
    public func merchantReminderAt(due: Date) -> Date { due - Double(merchantReminderDaysBefore) * Self.day }
    public func customerReminderAt(due: Date) -> Date { due - Double(customerReminderDaysBefore) * Self.day }

    /// Whole days left until `due`, rounded up, never negative: what "N days left" shows.
    public static func daysLeft(until due: Date, from now: Date) -> Int {
        let seconds = due.timeIntervalSince(now)
        guard seconds > 0 else { return 0 }
        return Int((seconds / day).rounded(.up))
    }
}
