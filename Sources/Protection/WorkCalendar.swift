import Foundation

/// A country whose public holidays we compute. Others count weekends only.
public enum HolidayCountry: String, Sendable, CaseIterable, Codable {
    case pl = "PL"
    case de = "DE"
    case at = "AT"
    case cz = "CZ"
}

/// A date on the wall calendar, with no time of day and no zone: what a public holiday is.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `2026-04-06`: how the published tables and the tests write a day.
    public var description: String {
        func padded(_ number: Int, _ width: Int) -> String {
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The days of a month of the proleptic Gregorian calendar.
    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Hinnant's `days_from_civil`):
    /// day arithmetic and weekdays without a `Calendar`, so no time zone can shift a holiday.
    package var dayNumber: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1  // the year counted from 1 March
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `dayNumber` (Hinnant's `civil_from_days`).
    init(dayNumber: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        self.init(
            year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: dayOfYear - (153 * marchMonth + 2) / 5 + 1)
    }

    func adding(days: Int) -> CalendarDay { CalendarDay(dayNumber: dayNumber + days) }

    /// ISO weekday: 1 is Monday, 7 is Sunday (1970-01-01 was a Thursday).
    var isoWeekday: Int { ((dayNumber + 3) % 7 + 7) % 7 + 1 }
}

/// Public holidays computed from their rules (fixed dates and Easter offsets), so no year's list has to be typed in.
public enum PublicHolidays {
    /// Easter Sunday (Gregorian), anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    public static func easterSunday(year: Int) -> CalendarDay {
        let golden = year % 19
        let century = year / 100
        let yearOfCentury = year % 100
        let skippedLeaps = century / 4
        let centuryRest = century % 4
        let correction = (century + 8) / 25
        let moonCorrection = (century - correction + 1) / 3
        let epact = (19 * golden + century - skippedLeaps - moonCorrection + 15) % 30
        let leaps = yearOfCentury / 4
        let yearRest = yearOfCentury % 4
        let weekdayShift = (32 + 2 * centuryRest + 2 * leaps - epact - yearRest) % 7
        let limit = (golden + 11 * epact + 22 * weekdayShift) / 451
        let monthDay = epact + weekdayShift - 7 * limit + 114
        return CalendarDay(year: year, month: monthDay / 31, day: monthDay % 31 + 1)
    }

    /// The nationwide public holidays of a year, sorted; Sundays included (PL: Easter Sunday, Pentecost).
    ///
    /// Rules as the law stands, with the changes that matter for recent years: PL Epiphany from 2011, PL Christmas Eve
    /// from 2025 (law of 2024), CZ Good Friday from 2016, and the one-off days PL 2018-11-12 and DE 2017-10-31.
    /// Germany: only the holidays of all states. State holidays (Epiphany, Corpus Christi, Reformation Day,
    /// All Saints' …) differ by state and a shop's state is not known, so they are out of scope and count as working days.
    /// Austria: the federal holidays of the Arbeitsruhegesetz (Good Friday has been none since 2019).
    public static func of(_ country: HolidayCountry, year: Int) -> [CalendarDay] {
        let easter = easterSunday(year: year)
        func date(_ month: Int, _ day: Int) -> CalendarDay { CalendarDay(year: year, month: month, day: day) }
        func easterPlus(_ days: Int) -> CalendarDay { easter.adding(days: days) }
        var days: [CalendarDay]
        switch country {
        case .pl:
            days = [
                date(1, 1), easter, easterPlus(1), date(5, 1), date(5, 3), easterPlus(49), easterPlus(60), date(8, 15),
                date(11, 1), date(11, 11), date(12, 25), date(12, 26),
            ]
            if year >= 2011 { days.append(date(1, 6)) }
            if year >= 2025 { days.append(date(12, 24)) }
            if year == 2018 { days.append(date(11, 12)) }  // centenary of independence, a one-off
        case .de:
            days = [
                date(1, 1), easterPlus(-2), easterPlus(1), date(5, 1), easterPlus(39), easterPlus(50), date(10, 3),
                date(12, 25), date(12, 26),
            ]
            if year == 2017 { days.append(date(10, 31)) }  // 500 years of the Reformation, nationwide once
        case .at:
            days = [
                date(1, 1), date(1, 6), easterPlus(1), date(5, 1), easterPlus(39), easterPlus(50), easterPlus(60),
                date(8, 15), date(10, 26), date(11, 1), date(12, 8), date(12, 25), date(12, 26),
            ]
        case .cz:
            days = [
                date(1, 1), easterPlus(1), date(5, 1), date(5, 8), date(7, 5), date(7, 6), date(9, 28), date(10, 28),
                date(11, 17), date(12, 24), date(12, 25), date(12, 26),
            ]
            if year >= 2016 { days.append(easterPlus(-2)) }
        }
        return days.sorted()
    }
}

/// Counts working days: Monday–Friday that are not a public holiday of the country (nil country → weekends only).
///
/// Business-day deadlines (the merchant's reply, the refund, document requests) are counted with it in the shop's
/// country and time zone, so a deadline never ends on a day the shop is closed by law.
public struct WorkCalendar: Sendable, Equatable {
    public var country: HolidayCountry?
    public var timeZone: TimeZone

    public init(country: HolidayCountry?, timeZone: TimeZone) {
        self.country = country
        self.timeZone = timeZone
    }

    public func isWorkingDay(_ day: CalendarDay) -> Bool {
        day.isoWeekday <= 5 && !holidays(year: day.year).contains(day)
    }

    /// `start` plus `days` working days: the same wall-clock time on the `days`-th working day after start's date
    /// (in timeZone). Days skipped: weekends and holidays, so a start on a Saturday or a holiday counts from the next
    /// working day. E.g. opened Thursday 2026-04-02 10:00 in PL, 5 working days → Friday 2026-04-10 10:00 (Good Friday
    /// is no holiday in PL, Easter Monday is); in DE → Monday 2026-04-13 10:00.
    /// The local time of day is kept across DST changes (the elapsed time is then an hour more or less);
    /// a local time that the due day skips (a DST gap) is resolved by `Calendar`, i.e. moved forward. days <= 0 returns start.
    public func adding(workingDays days: Int, to start: Date) -> Date {
        guard days > 0 else { return start }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // Whole seconds go through the calendar; the fraction is added back exactly (zone offsets are whole seconds).
        let wholeSeconds = start.timeIntervalSinceReferenceDate.rounded(.down)
        let fraction = start.timeIntervalSinceReferenceDate - wholeSeconds
        var parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSinceReferenceDate: wholeSeconds))
        guard let year = parts.year, let month = parts.month, let dayOfMonth = parts.day else { return start }
        var day = CalendarDay(year: year, month: month, day: dayOfMonth)
        var holidayYear = day.year
        var yearHolidays = holidays(year: holidayYear)
        var left = days
        while left > 0 {
            day = day.adding(days: 1)
            if day.year != holidayYear {
                holidayYear = day.year
                yearHolidays = holidays(year: holidayYear)
            }
            if day.isoWeekday <= 5 && !yearHolidays.contains(day) { left -= 1 }
        }
        parts.year = day.year
        parts.month = day.month
        parts.day = day.day
        guard let due = calendar.date(from: parts) else { return start }
        return due + fraction
    }

    private func holidays(year: Int) -> [CalendarDay] {
        guard let country else { return [] }
        return PublicHolidays.of(country, year: year)
    }
}
