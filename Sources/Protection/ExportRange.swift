/// The days an export covers, as typed on its form (`YYYY-MM-DD`, both days included).
/// Checked here, without a clock or a calendar library: the days are counted with the
/// days-from-civil arithmetic of the proleptic Gregorian calendar.
public struct ExportRange: Equatable, Sendable {
    /// Days since 1970-01-01 of the first and the last day.
    public let firstDay: Int
    public let lastDay: Int

    /// At most two years of cases in one file (731 days: two years with a leap day).
    public static let maximumDays = 731

    public init(firstDay: Int, lastDay: Int) {
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    public enum Problem: Error, Equatable, Sendable {
        case fromInvalid, toInvalid, reversed, tooLong
    }

    /// `from` and `to` as typed; `today` (days since 1970) fills in a missing `to`, and a
    /// missing `from` is 90 days before `to`.
    public static func parse(from: String?, to: String?, today: Int) -> Result<ExportRange, Problem> {
        let toText = to?.trimmedWhitespace ?? ""
        let fromText = from?.trimmedWhitespace ?? ""
        guard let last = toText.isEmpty ? today : day(toText) else { return .failure(.toInvalid) }
        guard let first = fromText.isEmpty ? last - 89 : day(fromText) else { return .failure(.fromInvalid) }
        guard first <= last else { return .failure(.reversed) }
        guard last - first + 1 <= maximumDays else { return .failure(.tooLong) }
        return .success(ExportRange(firstDay: first, lastDay: last))
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` date, or nil if it is not a real date.
    public static func day(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1900...2999).contains(y), (1...12).contains(m), (1...CalendarDay.daysIn(month: m, year: y)).contains(d)
        else { return nil }
        return daysFromCivil(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD` of a day since 1970-01-01.
    public static func text(_ day: Int) -> String {
        let c = LocaleFormat.civil(secondsSince1970: Int64(day) * 86_400)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.year)-\(two(c.month))-\(two(c.day))"
    }

    /// Howard Hinnant's `days_from_civil`.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
