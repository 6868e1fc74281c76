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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        ISO8601.appendDate(LocaleFormat.civil(secondsSince1970: seconds), separator: UInt8(ascii: " "), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        ISO8601.appendDigits(millisecond, width: 3, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension StoredDate {
    /// A stored date read back. GRDB turns the text into a Date through Foundation's
    /// `Calendar`, which was a tenth of a list page (two dates a row, fifty rows); the
    /// form this product writes, "yyyy-MM-dd HH:mm:ss.SSS", is read here by arithmetic
    /// to the same Date (a test compares the two over many dates), and anything else is
    /// left to GRDB.
    public static func parse(_ text: String?) -> Date? {
        guard var text else { return nil }
        if let date = text.withUTF8(fastParse) { return date }
        return Date.fromDatabaseValue(text.databaseValue)
    }

    static func fastParse(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard let (year, month, day, hour, minute, second, millisecond) = storedFields(b) else { return nil }
        let days = CalendarDay(year: year, month: month, day: day).dayNumber
        // The same floating-point steps as Foundation's Gregorian calendar (Julian day at
        // noon, back to midnight, plus the time of day), so the Date is bit for bit the
        // one GRDB's Calendar would give.
        var secondsInDay = Double(hour) * 3600.0
        secondsInDay += Double(minute) * 60.0
        secondsInDay += Double(second)
        secondsInDay += Double(millisecond * 1_000_000) / 1_000_000_000.0
        let midnight = (Double(days + 2_440_588) - 2_451_910.5) * 86_400 - 43_200
        return Date(timeIntervalSinceReferenceDate: midnight + secondsInDay)
    }

    /// The fields of text in the form this product writes, "yyyy-MM-dd HH:mm:ss.SSS" from
    /// 1583 on; nil for anything else.
    @inline(__always)
    private static func storedFields(_ b: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int, Int, Int, Int, Int)? {
        guard b.count == 23, let start = b.baseAddress else { return nil }
        // The 23 bytes as three words (the last two overlap by a byte), each checked at once
        // for its separators and digits: a check a byte was most of reading a list row's
        // dates (callgrind: 430 instructions a date).
        let raw = UnsafeRawPointer(start)
        guard
            Self.digits(raw.loadUnaligned(as: UInt64.self).littleEndian, separators: Self.dateSeparators),
            Self.digits(raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian, separators: Self.daySeparators),
            Self.digits(raw.loadUnaligned(fromByteOffset: 15, as: UInt64.self).littleEndian, separators: Self.timeSeparators)
        else { return nil }
        @inline(__always) func d(_ i: Int) -> Int { Int(b[i] &- 0x30) }
        let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
        let month = d(5) * 10 + d(6)
        let day = d(8) * 10 + d(9)
        let hour = d(11) * 10 + d(12)
        let minute = d(14) * 10 + d(15)
        let second = d(17) * 10 + d(18)
        let millisecond = d(20) * 100 + d(21) * 10 + d(22)
        guard year >= 1583, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        return (year, month, day, hour, minute, second, millisecond)
    }

    /// Where a word of the text (eight bytes, the first lowest) has separators: a mask of
    /// their bytes and the bytes they must be. "yyyy-MM-", "dd HH:mm", "m:ss.SSS".
    private typealias Separators = (mask: UInt64, bytes: UInt64)
    private static let dateSeparators: Separators = (0xFF << 32 | 0xFF << 56, 0x2D << 32 | 0x2D << 56)
    private static let daySeparators: Separators = (0xFF << 16 | 0xFF << 40, 0x20 << 16 | 0x3A << 40)
    private static let timeSeparators: Separators = (0xFF << 8 | 0xFF << 32, 0x3A << 8 | 0x2E << 32)

    /// The word holds its separators where `separators` says and ASCII digits everywhere
    /// else. A digit is 0x30–0x39: its high half is 3, and adding 6 leaves it 3 (0x3A–0x3F
    /// become 0x40–0x45). Once the separators and the high halves are right no byte can
    /// carry into the next, so the addition is checked for all eight bytes at once.
    @inline(__always)
    private static func digits(_ word: UInt64, separators: Separators) -> Bool {
        let highHalves = 0xF0F0_F0F0_F0F0_F0F0 & ~separators.mask
        let three = 0x3030_3030_3030_3030 & ~separators.mask
        return word & separators.mask == separators.bytes && word & highHalves == three
            && (word &+ 0x0606_0606_0606_0606) & highHalves == three
    }

    /// Whether the text is a stored date `isoText` rewrites: its first nineteen bytes,
    /// with a `T` for the space, then a `Z`, are the ISO form.
    @inline(__always)
    static func hasISOForm(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let (year, month, day, _, _, _, _) = storedFields(b) else { return false }
        return day <= CalendarDay.daysIn(month: month, year: year)
    }

    /// What `ISO8601.write` makes of the stored date ("2026-11-25T10:30:00Z": UTC, to the
    /// second), made from the stored text itself: parsing 300 dates and writing them again
    /// was a sixth of an API list. Nil for text `fastParse` does not read, or a day the
    /// month does not have (which the Date would move into the next month).
    static func isoText(_ b: UnsafeBufferPointer<UInt8>) -> InlineText? {
        guard hasISOForm(b) else { return nil }
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &text) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[..<19]))
            raw[10] = UInt8(ascii: "T")
            raw[19] = UInt8(ascii: "Z")
            return InlineText(utf8: UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[..<20]))
        }
    }
}

extension Row {
    /// A date column read with `StoredDate.parse` (nil for NULL).
    public func date(_ column: String) -> Date? { StoredDate.parse(self[column] as String?) }

    public func date(_ index: Int) -> Date? { StoredDate.parse(self[index] as String?) }
}

extension Row {
    /// A NOT NULL date column read with `StoredDate.parse`; anything it does not read is
    /// left to GRDB (and its error).
    public func requiredDate(_ column: String) -> Date { StoredDate.parse(self[column] as String?) ?? self[column] }

    public func requiredDate(_ index: Int) -> Date { StoredDate.parse(self[index] as String?) ?? self[index] }
}
