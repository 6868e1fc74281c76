import Foundation

/// Money and dates written for a reader's locale: "1 234,56 zł", "€1,234.56", "25.11.2026".
public final class LocaleFormat: Sendable {
    public let locale: AppLocale
    public let timeZone: TimeZone

    /// The zone's offsets, read once per zone: asking Foundation for every date (ICU
    /// behind it) was a few percent of a list page.
    private let offsets: ZoneOffsets

    public init(locale: AppLocale, timeZone: TimeZone) {
        self.locale = locale
        self.timeZone = timeZone
        offsets = ZoneOffsets.of(timeZone)
    }

    public func money(_ money: Money) -> String {
        utf8String { appendMoney(money, to: &$0) }
    }

    /// The amount written straight into `out` (a page's buffer): a list page formats a
    /// hundred amounts, and a String for each was a few percent of it. No byte of it
    /// needs escaping in HTML. Composed on the stack and appended once.
    public func appendMoney(_ money: Money, to out: inout [UInt8]) {
        var s = ScratchBytes()
        writeMoney(money, to: &s)
        s.append(to: &out)
    }

    package func writeMoney(_ money: Money, to s: inout ScratchBytes) {
        let code = money.currency.code
        let symbol = Self.symbol(code)
        if money.minor < 0 { s.append(UInt8(ascii: "-")) }
        if locale == .en {
            if let symbol, symbol.prefix {
                s.append(symbol.text)
            } else {
                s.append(code)
                s.append(Self.noBreakSpace)
            }
        }
        let digits = money.currency.minorDigits
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let magnitude = money.minor.magnitude
        let whole = magnitude / divisor
        let fraction = magnitude % divisor
        // The whole part's digits, most significant first, grouped by three.
        var place: UInt64 = 1
        var digitCount = 1
        while place <= whole / 10 {
            place *= 10
            digitCount += 1
        }
        var rest = whole
        for index in 0..<digitCount {
            if index > 0 && (digitCount - index) % 3 == 0 && digitCount > 3 {
                switch locale {
                case .en: s.append(UInt8(ascii: ","))
                case .pl: s.append(Self.noBreakSpace)
                case .de: s.append(UInt8(ascii: "."))
                }
            }
            s.append(UInt8(ascii: "0") + UInt8(rest / place))
            rest %= place
            place /= 10
        }
        if digits > 0 {
            s.append(locale == .en ? UInt8(ascii: ".") : UInt8(ascii: ","))
            s.append(digitsOf: Int(fraction), width: digits)
        }
        if locale != .en {
            s.append(Self.noBreakSpace)
            if let symbol { s.append(symbol.text) } else { s.append(code) }
        }
    }

    private static let noBreakSpace: StaticString = "\u{00A0}"

    /// The amount as it is prefilled in a form field for this locale: no grouping,
    /// the locale's decimal separator ("249,99" in Polish), ready to be parsed back.
    public func amountInput(_ money: Money) -> String {
        AmountText.plain(minor: money.minor, digits: money.currency.minorDigits, separator: locale == .en ? "." : ",")
    }

    public func date(_ date: Date) -> String {
        utf8String { appendDate(date, to: &$0) }
    }

    public func dateTime(_ date: Date) -> String {
        utf8String { appendDateTime(date, to: &$0) }
    }

    /// "25 Nov 2026" / "25.11.2026" written into `out` (nothing in it needs escaping).
    public func appendDate(_ date: Date, to out: inout [UInt8]) {
        var s = ScratchBytes()
        writeDate(date, to: &s)
        s.append(to: &out)
    }

    package func writeDate(_ date: Date, to s: inout ScratchBytes) {
        appendDay(civil(date), to: &s)
    }

    /// "25 Nov 2026, 10:30" / "25.11.2026, 10:30" written into `out`.
    public func appendDateTime(_ date: Date, to out: inout [UInt8]) {
        var s = ScratchBytes()
        writeDateTime(date, to: &s)
        s.append(to: &out)
    }

    package func writeDateTime(_ date: Date, to s: inout ScratchBytes) {
        let c = civil(date)
        appendDay(c, to: &s)
        s.append(UInt8(ascii: ","))
        s.append(UInt8(ascii: " "))
        s.append(digitsOf: c.hour, width: 2)
        s.append(UInt8(ascii: ":"))
        s.append(digitsOf: c.minute, width: 2)
    }

    private func appendDay(_ c: (year: Int, month: Int, day: Int, hour: Int, minute: Int), to s: inout ScratchBytes) {
        switch locale {
        case .en:
            s.append(digitsOf: c.day)
            s.append(UInt8(ascii: " "))
            s.append(Self.englishMonths[c.month - 1])
            s.append(UInt8(ascii: " "))
        case .pl, .de:
            s.append(digitsOf: c.day, width: 2)
            s.append(UInt8(ascii: "."))
            s.append(digitsOf: c.month, width: 2)
            s.append(UInt8(ascii: "."))
        }
        // The year as `String(year)` writes it.
        if c.year < 0 { s.append(UInt8(ascii: "-")) }
        s.append(digitsOf: abs(c.year))
    }

    /// ISO date-time for `<time datetime=…>`.
    public static func machine(_ date: Date) -> String {
        ISO8601.string(date)
    }

    /// The wall-clock fields of an instant in a zone: the zone's offset at that instant,
    /// then the arithmetic of the proleptic Gregorian calendar. Foundation's Calendar does
    /// the same far more slowly, and list pages format hundreds of dates.
    static func civil(_ date: Date, timeZone: TimeZone) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        civil(date, offset: timeZone.secondsFromGMT(for: date))
    }

    func civil(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        Self.civil(date, offset: offsets.offset(at: date) ?? timeZone.secondsFromGMT(for: date))
    }

    static func civil(_ date: Date, offset: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let c = civil(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(offset))
        return (c.year, c.month, c.day, c.hour, c.minute)
    }

    /// The calendar fields of a count of seconds since 1970-01-01 00:00 (in whatever zone
    /// the count was shifted to).
    package static func civil(secondsSince1970 seconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let date = CalendarDay(dayNumber: Int(days))
        return (date.year, date.month, date.day, secondOfDay / 3600, (secondOfDay % 3600) / 60, secondOfDay % 60)
    }

    private static let englishMonths: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// A currency's symbol, the shops' usual currencies first: comparing a few three-letter
    /// codes costs less than hashing one, and a switch copies no String out of an array
    /// (a reference count each way per amount, twice for every line of a list).
    private static func symbol(_ code: String) -> (text: StaticString, prefix: Bool)? {
        switch code {
        case "PLN": ("zł", false)
        case "EUR": ("€", true)
        case "USD": ("$", true)
        case "GBP": ("£", true)
        case "CHF": ("CHF", false)
        case "CZK": ("Kč", false)
        case "SEK", "NOK", "DKK": ("kr", false)
        default: nil
        }
    }
}

/// ISO 8601 in UTC with seconds, the one textual time format stored and exchanged.
public enum ISO8601 {
    public static func string(_ date: Date) -> String {
        utf8String { append(date, to: &$0) }
    }

    /// The same text appended to `bytes` (an API answer's buffer). Composed on the stack:
    /// String(format:) took a quarter of an API list answer, appending scalars to a String
    /// a fifth, and byte-by-byte appends to the array most of what was left.
    public static func append(_ date: Date, to bytes: inout [UInt8]) {
        var s = ScratchBytes()
        write(date, to: &s)
        s.append(to: &bytes)
    }

    package static func write(_ date: Date, to s: inout ScratchBytes) {
        let c = LocaleFormat.civil(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)))
        writeDate(c, separator: UInt8(ascii: "T"), to: &s)
        s.append(UInt8(ascii: "Z"))
    }

    /// "2026-11-25T10:30:00" (or with another separator) from calendar fields: years
    /// outside 0...9999 are written as they are.
    package static func appendDate(
        _ c: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int),
        separator: UInt8, to bytes: inout [UInt8]
    ) {
        var s = ScratchBytes()
        writeDate(c, separator: separator, to: &s)
        s.append(to: &bytes)
    }

    static func writeDate(
        _ c: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int),
        separator: UInt8, to s: inout ScratchBytes
    ) {
        // The year as `String(year)` would write it outside 0...9999, four digits inside.
        if c.year < 0 {
            s.append(UInt8(ascii: "-"))
            s.append(digitsOf: c.year.magnitude)
        } else {
            s.append(digitsOf: c.year, width: 4)
        }
        s.append(UInt8(ascii: "-"))
        s.append(digitsOf: c.month, width: 2)
        s.append(UInt8(ascii: "-"))
        s.append(digitsOf: c.day, width: 2)
        s.append(separator)
        s.append(digitsOf: c.hour, width: 2)
        s.append(UInt8(ascii: ":"))
        s.append(digitsOf: c.minute, width: 2)
        s.append(UInt8(ascii: ":"))
        s.append(digitsOf: c.second, width: 2)
    }

    /// `n` (not negative) 0-padded to `width` digits.
    package static func appendDigits(_ n: Int, width: Int, to bytes: inout [UInt8]) {
        var s = ScratchBytes()
        s.append(digitsOf: n, width: width)
        s.append(to: &bytes)
    }

    /// Reads "2026-11-25T10:00:00Z", "2026-11-25T10:00:00+01:00", "2026-11-25T10:00:00.123Z"
    /// and a plain date "2026-11-25" (midnight UTC). Nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let s = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= s.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                guard s[i] >= 48 && s[i] <= 57 else { return nil }
                value = value * 10 + Int(s[i] - 48)
            }
            return value
        }
        guard s.count >= 10, let year = number(0, 4), s[4] == UInt8(ascii: "-"), let month = number(5, 2),
            s[7] == UInt8(ascii: "-"), let day = number(8, 2)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var offset = 0
        var i = 10
        if s.count > 10 {
            guard s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: " "), let h = number(11, 2),
                s.count > 13, s[13] == UInt8(ascii: ":"), let m = number(14, 2)
            else { return nil }
            hour = h
            minute = m
            i = 16
            if i < s.count, s[i] == UInt8(ascii: ":") {
                guard let sec = number(i + 1, 2) else { return nil }
                second = sec
                i += 3
                if i < s.count, s[i] == UInt8(ascii: ".") {
                    i += 1
                    let start = i
                    while i < s.count, s[i] >= 48, s[i] <= 57 { i += 1 }
                    guard i > start else { return nil }
                }
            }
            guard i < s.count else { return nil }  // a zone is required with a time
            if s[i] == UInt8(ascii: "Z") {
                i += 1
            } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign = s[i] == UInt8(ascii: "+") ? 1 : -1
                guard let oh = number(i + 1, 2) else { return nil }
                var om = 0
                if i + 3 < s.count, s[i + 3] == UInt8(ascii: ":") {
                    guard let m = number(i + 4, 2) else { return nil }
                    om = m
                    i += 6
                } else if let m = number(i + 3, 2) {
                    om = m
                    i += 5
                } else {
                    return nil
                }
                guard oh <= 23, om <= 59 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
            guard i == s.count else { return nil }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 60,
            (1...9999).contains(year)
        else { return nil }
        // Proleptic Gregorian arithmetic, as ISO 8601 (and `string`, through gmtime)
        // counts; Foundation's calendar switches to Julian before 1582.
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= monthDays[month - 1] else { return nil }
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        return date.addingTimeInterval(TimeInterval(-offset))
    }
}

/// A time zone's UTC offset between its transitions from 1970 to 2100, read from
/// Foundation once per zone and then looked up by binary search.
final class ZoneOffsets: Sendable {
    /// Seconds since 1970 at which `offsets[i + 1]` starts.
    private let transitions: [Double]
    private let offsets: [Int]
    /// For each day since 1970-01-01 (UTC) up to 2100, how many transitions come before
    /// its first second: the index of the offset in effect when it starts. A date's offset
    /// is then its day's, moved past the transitions within that day (a zone has at most
    /// a few a day): a binary search over a century of transitions was a tenth of a list
    /// page's dates (callgrind).
    private let dayStarts: [UInt16]
    private static let end: Double = 4_102_444_800  // 2100-01-01

    private init(_ timeZone: TimeZone) {
        var instant = Date(timeIntervalSince1970: 0)
        var transitions: [Double] = []
        var offsets = [timeZone.secondsFromGMT(for: instant)]
        while let next = timeZone.nextDaylightSavingTimeTransition(after: instant), next.timeIntervalSince1970 < Self.end,
            next > instant
        {
            transitions.append(next.timeIntervalSince1970)
            offsets.append(timeZone.secondsFromGMT(for: next))
            instant = next
        }
        var dayStarts: [UInt16] = []
        let days = Int(Self.end) / 86_400
        dayStarts.reserveCapacity(days)
        var before = 0
        for day in 0..<days {
            while before < transitions.count && transitions[before] <= Double(day * 86_400) { before += 1 }
            dayStarts.append(UInt16(before))
        }
        self.transitions = transitions
        self.offsets = offsets
        self.dayStarts = dayStarts
    }

    /// The offset at an instant, or nil outside 1970–2100 (asked of Foundation then).
    func offset(at date: Date) -> Int? {
        let t = date.timeIntervalSince1970
        guard t >= 0 && t < Self.end else { return nil }
        var index = Int(dayStarts[Int(t) / 86_400])
        while index < transitions.count && transitions[index] <= t { index += 1 }
        return offsets[index]
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var byZone: [String: ZoneOffsets] = [:]

    static func of(_ timeZone: TimeZone) -> ZoneOffsets {
        lock.lock()
        defer { lock.unlock() }
        if let known = byZone[timeZone.identifier] { return known }
        let made = ZoneOffsets(timeZone)
        byZone[timeZone.identifier] = made
        return made
    }
}

/// The text an `append…(to:)` function writes, as a String: the String forms of the
/// formatters are the byte writers run into a buffer of their own.
func utf8String(_ write: (inout [UInt8]) -> Void) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(32)
    write(&bytes)
    return String(decoding: bytes, as: UTF8.self)
}
