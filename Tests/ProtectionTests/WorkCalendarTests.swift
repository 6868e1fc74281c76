import Foundation
import Testing
@testable import Protection

/// Published tables, typed in by hand: the code computes these, the test must not.
private enum PublishedHolidays {
    static let poland: [Int: [String]] = [
        2025: [
            "2025-01-01", "2025-01-06", "2025-04-20", "2025-04-21", "2025-05-01", "2025-05-03", "2025-06-08", "2025-06-19",
            "2025-08-15", "2025-11-01", "2025-11-11", "2025-12-24", "2025-12-25", "2025-12-26",
        ],
        2026: [
            "2026-01-01", "2026-01-06", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-03", "2026-05-24", "2026-06-04",
            "2026-08-15", "2026-11-01", "2026-11-11", "2026-12-24", "2026-12-25", "2026-12-26",
        ],
        2027: [
            "2027-01-01", "2027-01-06", "2027-03-28", "2027-03-29", "2027-05-01", "2027-05-03", "2027-05-16", "2027-05-27",
            "2027-08-15", "2027-11-01", "2027-11-11", "2027-12-24", "2027-12-25", "2027-12-26",
        ],
        2028: [
            "2028-01-01", "2028-01-06", "2028-04-16", "2028-04-17", "2028-05-01", "2028-05-03", "2028-06-04", "2028-06-15",
            "2028-08-15", "2028-11-01", "2028-11-11", "2028-12-24", "2028-12-25", "2028-12-26",
        ],
        2029: [
            "2029-01-01", "2029-01-06", "2029-04-01", "2029-04-02", "2029-05-01", "2029-05-03", "2029-05-20", "2029-05-31",
            "2029-08-15", "2029-11-01", "2029-11-11", "2029-12-24", "2029-12-25", "2029-12-26",
        ],
        2030: [
            "2030-01-01", "2030-01-06", "2030-04-21", "2030-04-22", "2030-05-01", "2030-05-03", "2030-06-09", "2030-06-20",
            "2030-08-15", "2030-11-01", "2030-11-11", "2030-12-24", "2030-12-25", "2030-12-26",
        ],
    ]

    /// Nationwide holidays only: Neujahr, Karfreitag, Ostermontag, 1. Mai, Christi Himmelfahrt, Pfingstmontag,
    /// Tag der Deutschen Einheit, 1. and 2. Weihnachtstag.
    static let germany: [Int: [String]] = [
        2025: [
            "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-01", "2025-05-29", "2025-06-09", "2025-10-03", "2025-12-25",
            "2025-12-26",
        ],
        2026: [
            "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25", "2026-10-03", "2026-12-25",
            "2026-12-26",
        ],
        2027: [
            "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-17", "2027-10-03", "2027-12-25",
            "2027-12-26",
        ],
        2028: [
            "2028-01-01", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-25", "2028-06-05", "2028-10-03", "2028-12-25",
            "2028-12-26",
        ],
        2029: [
            "2029-01-01", "2029-03-30", "2029-04-02", "2029-05-01", "2029-05-10", "2029-05-21", "2029-10-03", "2029-12-25",
            "2029-12-26",
        ],
        2030: [
            "2030-01-01", "2030-04-19", "2030-04-22", "2030-05-01", "2030-05-30", "2030-06-10", "2030-10-03", "2030-12-25",
            "2030-12-26",
        ],
    ]
}

/// Wall-clock instants in Warsaw, the way a shop's case dates are read.
private func warsaw(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/Warsaw")!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
}

private func utc(_ text: String) -> Date {
    try! Date(text, strategy: .iso8601)
}

private let warsawZone = TimeZone(identifier: "Europe/Warsaw")!

@Suite struct PublicHolidayTests {
    @Test(arguments: [
        (2025, "2025-04-20"), (2026, "2026-04-05"), (2027, "2027-03-28"), (2028, "2028-04-16"), (2029, "2029-04-01"),
        (2030, "2030-04-21"), (2019, "2019-04-21"), (2000, "2000-04-23"), (2038, "2038-04-25"), (2024, "2024-03-31"),
        (1818, "1818-03-22"), (2285, "2285-03-22"), (1943, "1943-04-25"),
    ])
    func easterSundayMatchesThePublishedDates(year: Int, expected: String) {
        #expect(PublicHolidays.easterSunday(year: year).description == expected)
    }

    @Test(arguments: 2025...2030)
    func polishHolidaysMatchThePublishedTable(year: Int) {
        #expect(PublicHolidays.of(.pl, year: year).map(\.description) == PublishedHolidays.poland[year])
    }

    @Test(arguments: 2025...2030)
    func germanNationwideHolidaysMatchThePublishedTable(year: Int) {
        #expect(PublicHolidays.of(.de, year: year).map(\.description) == PublishedHolidays.germany[year])
    }

    @Test func austrianAndCzechHolidaysOf2026MatchThePublishedTables() {
        #expect(
            PublicHolidays.of(.at, year: 2026).map(\.description) == [
                "2026-01-01", "2026-01-06", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25", "2026-06-04", "2026-08-15",
                "2026-10-26", "2026-11-01", "2026-12-08", "2026-12-25", "2026-12-26",
            ])
        #expect(
            PublicHolidays.of(.cz, year: 2026).map(\.description) == [
                "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-08", "2026-07-05", "2026-07-06", "2026-09-28",
                "2026-10-28", "2026-11-17", "2026-12-24", "2026-12-25", "2026-12-26",
            ])
    }

    @Test func christmasEveIsAPolishHolidayFrom2025On() {
        let poland = WorkCalendar(country: .pl, timeZone: warsawZone)
        #expect(!poland.isWorkingDay(CalendarDay(year: 2025, month: 12, day: 24)))  // a Wednesday
        #expect(poland.isWorkingDay(CalendarDay(year: 2024, month: 12, day: 24)))  // a Tuesday, before the law
        #expect(!PublicHolidays.of(.pl, year: 2024).contains(CalendarDay(year: 2024, month: 12, day: 24)))
    }

    @Test func daysCountAndWeekdaysAreGregorian() {
        let day = CalendarDay(year: 2024, month: 2, day: 28)
        #expect(day.adding(days: 1).description == "2024-02-29")
        #expect(day.adding(days: 2).description == "2024-03-01")
        #expect(CalendarDay(year: 1970, month: 1, day: 1).dayNumber == 0)
        #expect(CalendarDay(year: 2026, month: 4, day: 6).isoWeekday == 1)
        #expect(CalendarDay(year: 2026, month: 4, day: 5).isoWeekday == 7)
        #expect(CalendarDay(year: 1969, month: 12, day: 31).isoWeekday == 3)
        #expect(CalendarDay(year: 2025, month: 12, day: 31).adding(days: 1).description == "2026-01-01")
    }
}

@Suite struct WorkingDayDeadlineTests {
    @Test func aCaseOpenedOnTheThursdayBeforeEasterInPolandIsDueTheNextFriday() {
        // Good Friday (3 Apr) is a working day in Poland, Easter Monday (6 Apr) is not.
        let poland = WorkCalendar(country: .pl, timeZone: warsawZone)
        #expect(poland.adding(workingDays: 5, to: warsaw(2026, 4, 2, 10)) == warsaw(2026, 4, 10, 10))
    }

    @Test func aCaseOpenedOnTheThursdayBeforeEasterInGermanyIsDueTheMondayAfter() {
        // Good Friday and Easter Monday are both holidays in Germany.
        let germany = WorkCalendar(country: .de, timeZone: warsawZone)
        #expect(germany.adding(workingDays: 5, to: warsaw(2026, 4, 2, 10)) == warsaw(2026, 4, 13, 10))
    }

    @Test func withoutACountryOnlyWeekendsAreSkipped() {
        let plain = WorkCalendar(country: nil, timeZone: warsawZone)
        #expect(plain.adding(workingDays: 5, to: warsaw(2026, 4, 2, 10)) == warsaw(2026, 4, 9, 10))
        #expect(plain.adding(workingDays: 1, to: warsaw(2026, 4, 3, 10)) == warsaw(2026, 4, 6, 10))
        #expect(plain.adding(workingDays: 10, to: warsaw(2026, 4, 6, 9, 30)) == warsaw(2026, 4, 20, 9, 30))
        #expect(plain.isWorkingDay(CalendarDay(year: 2026, month: 4, day: 6)))
        #expect(!plain.isWorkingDay(CalendarDay(year: 2026, month: 4, day: 4)))
    }

    @Test func aStartOnASaturdayOrAHolidayCountsFromTheNextWorkingDay() {
        let plain = WorkCalendar(country: nil, timeZone: warsawZone)
        let poland = WorkCalendar(country: .pl, timeZone: warsawZone)
        let saturday = warsaw(2026, 4, 4, 10)
        #expect(plain.adding(workingDays: 1, to: saturday) == warsaw(2026, 4, 6, 10))
        #expect(poland.adding(workingDays: 1, to: saturday) == warsaw(2026, 4, 7, 10))  // Monday is Easter Monday
        #expect(poland.adding(workingDays: 1, to: warsaw(2026, 4, 6, 10)) == warsaw(2026, 4, 7, 10))
    }

    @Test func theLocalTimeIsKeptAcrossDaylightSavingChanges() {
        let poland = WorkCalendar(country: .pl, timeZone: warsawZone)
        // Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
        let beforeSpring = poland.adding(workingDays: 2, to: utc("2026-03-26T09:00:00Z"))  // Thursday 10:00 CET
        #expect(beforeSpring == utc("2026-03-30T08:00:00Z"))  // Monday 10:00 CEST
        let beforeAutumn = poland.adding(workingDays: 1, to: utc("2026-10-23T08:00:00Z"))  // Friday 10:00 CEST
        #expect(beforeAutumn == utc("2026-10-26T09:00:00Z"))  // Monday 10:00 CET
    }

    @Test func theDeadlineRunsIntoTheNextYearsHolidays() {
        let poland = WorkCalendar(country: .pl, timeZone: warsawZone)
        // Wed 23 Dec 2026: 24 and 25 Dec, two weekends, 1 Jan and 6 Jan 2027 are skipped.
        #expect(poland.adding(workingDays: 7, to: warsaw(2026, 12, 23, 15)) == warsaw(2027, 1, 7, 15))
    }

    @Test func noWorkingDaysLeavesTheStartAlone() {
        let poland = WorkCalendar(country: .pl, timeZone: warsawZone)
        let start = warsaw(2026, 4, 4, 10).addingTimeInterval(0.25)
        #expect(poland.adding(workingDays: 0, to: start) == start)
        #expect(poland.adding(workingDays: -3, to: start) == start)
        #expect(poland.adding(workingDays: 1, to: start) == warsaw(2026, 4, 7, 10).addingTimeInterval(0.25))
    }
}
