import Foundation
import GRDB
import Protection

/// A date written the way GRDB stores a `Date` ("2026-11-25 10:30:00.123", UTC), without
/// going through `DateFormatter`: the records put several dates in every row they write,
/// and formatting them was a tenth of a sweeper pass. The text is the same to the
/// millisecond (a test compares it with GRDB's own), so stored rows, indexes and
/// comparisons with dates bound by GRDB are unchanged.
public struct StoredDate: DatabaseValueConvertible {
    public let date: Date

    public init(_ date: Date) {
        self.date = date
    }

    /// Nil in, nil out: a record's optional date column.
    public init?(_ date: Date?) {
        guard let date else { return nil }
        self.date = date
    }

    public var databaseValue: DatabaseValue {
        // Before the Gregorian reform ICU's calendar is Julian; such dates never occur
        // here but are left to GRDB rather than written differently.
        date.timeIntervalSince1970 < Self.gregorianReform ? date.databaseValue : Self.text(date).databaseValue
    }

    /// 1583-01-01 00:00 UTC, the first whole year of the Gregorian calendar.
    static let gregorianReform: TimeInterval = -12_212_553_600

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StoredDate? {
        Date.fromDatabaseValue(dbValue).map(StoredDate.init)
    }

    public static func text(_ date: Date) -> String {
        // The milliseconds DateFormatter formats: CoreFoundation adds half a millisecond
        // to the same double and ICU floors it.
        let milliseconds = Int64(((date.timeIntervalSinceReferenceDate + 978_307_200.0) * 1000.0 + 0.5).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let millisecond = Int(milliseconds - seconds * 1000)
        var text = ""
        text.reserveCapacity(23)
        ISO8601.appendDate(LocaleFormat.civil(secondsSince1970: seconds), separator: " ", to: &text)
        text += "."
        ISO8601.appendDigits(millisecond, width: 3, to: &text)
        return text
    }
}
