import Foundation
import Testing
@testable import Protection

@Suite struct AmountParsingTests {
    @Test(arguments: [
        ("249.99", 24_999), ("249,99", 24_999), ("249", 24_900), ("249.9", 24_990), ("0.01", 1), ("1 234,56", 123_456),
        ("1\u{00A0}234,56", 123_456), ("1.234,56", 123_456), ("1,234.56", 123_456), ("1.234.567", 123_456_700), (".5", 50),
        ("  12.00 ", 1_200),
    ] as [(String, Int64)])
    func typedAmountsAreRead(text: String, minor: Int64) {
        #expect(AmountText.parse(text, minorDigits: 2) == .success(minor))
    }

    @Test(arguments: [
        ("", AmountError.empty), ("   ", .empty), ("abc", .notANumber), ("12a", .notANumber), ("-5", .notANumber),
        ("1,234", .tooManyDecimals(allowed: 2)), ("10.123", .tooManyDecimals(allowed: 2)), ("0", .notPositive),
        ("0,00", .notPositive), ("5.", .notANumber), ("1.2.3", .notANumber), ("1,2.3,4", .notANumber),
        ("99999999999999999999", .tooLarge), ("١٢٣", .notANumber), ("1e5", .notANumber),
    ] as [(String, AmountError)])
    func badAmountsAreRefusedWithTheirReason(text: String, error: AmountError) {
        #expect(AmountText.parse(text, minorDigits: 2) == .failure(error))
    }

    @Test func currenciesWithoutMinorUnitsRefuseDecimals() {
        #expect(AmountText.parse("1500", minorDigits: 0) == .success(1500))
        #expect(AmountText.parse("1500.5", minorDigits: 0) == .failure(.tooManyDecimals(allowed: 0)))
    }

    @Test func currencyCodesAreISO4217() {
        #expect(Currency(code: "PLN")?.minorDigits == 2)
        #expect(Currency(code: "JPY")?.minorDigits == 0)
        #expect(Currency(code: "KWD")?.minorDigits == 3)
        #expect(Currency(code: "pln") == nil)
        #expect(Currency(code: "XYZ") == nil)
        #expect(Money(minor: 24_999, currency: pln).plainDecimal == "249.99")
    }

    /// A currency keeps its code as three bytes: every code reads back as it was given,
    /// and two currencies are equal exactly when their codes are.
    @Test func everyCodeReadsBackAndIdentifiesItsCurrency() {
        let currencies = Currency.table.keys.sorted().map { Currency(code: $0)! }
        #expect(currencies.map(\.code) == Currency.table.keys.sorted())
        #expect(Set(currencies).count == Currency.table.count)
        #expect(Currency(code: "PLN") == pln && Currency(code: "PLN")!.hashValue == pln.hashValue)
        #expect(Currency(code: "EUR") != pln)
        var code = "PLN"
        #expect(code.withUTF8 { Currency.letters($0) } == pln.letters)
        code = "PL"
        #expect(code.withUTF8 { Currency.letters($0) } == nil)
    }
}

@Suite struct LocaleFormattingTests {
    let utc = TimeZone(identifier: "UTC")!

    @Test func moneyIsWrittenForTheReader() {
        let eur = Currency(code: "EUR")!
        #expect(LocaleFormat(locale: .pl, timeZone: utc).money(money(123_456)) == "1\u{00A0}234,56\u{00A0}zł")
        #expect(LocaleFormat(locale: .en, timeZone: utc).money(Money(minor: 123_456, currency: eur)) == "€1,234.56")
        #expect(LocaleFormat(locale: .de, timeZone: utc).money(Money(minor: 123_456, currency: eur)) == "1.234,56\u{00A0}€")
        #expect(LocaleFormat(locale: .en, timeZone: utc).money(money(99)) == "PLN\u{00A0}0.99")
        #expect(LocaleFormat(locale: .pl, timeZone: utc).amountInput(money(24_999)) == "249,99")
        #expect(LocaleFormat(locale: .en, timeZone: utc).amountInput(money(24_999)) == "249.99")
    }

    @Test func datesAreWrittenForTheReader() {
        let date = ISO8601.parse("2026-11-25T10:05:00Z")!
        #expect(LocaleFormat(locale: .pl, timeZone: utc).date(date) == "25.11.2026")
        #expect(LocaleFormat(locale: .de, timeZone: utc).date(date) == "25.11.2026")
        #expect(LocaleFormat(locale: .en, timeZone: utc).date(date) == "25 Nov 2026")
        #expect(LocaleFormat(locale: .pl, timeZone: TimeZone(identifier: "Europe/Warsaw")!).dateTime(date) == "25.11.2026, 11:05")
    }

    @Test func polishPluralsHaveThreeForms() {
        #expect([1, 2, 4, 5, 12, 14, 22, 25, 112].map(AppLocale.pl.pluralCategory) == ["one", "few", "few", "many", "many", "many", "few", "many", "many"])
        #expect([1, 2, 5].map(AppLocale.en.pluralCategory) == ["one", "other", "other"])
    }

    @Test func localeTagsMapToOurLanguages() {
        #expect(AppLocale(tag: "pl-PL") == .pl)
        #expect(AppLocale(tag: "DE_at") == .de)
        #expect(AppLocale(tag: "fr") == nil)
    }
}

@Suite struct ISO8601Tests {
    @Test(arguments: ["2026-11-25T10:00:00Z", "2026-11-25T11:00:00+01:00", "2026-11-25T10:00:00.250Z", "2026-11-25T05:00:00-0500",
                      "2026-11-25 10:00:00Z"])
    func theSameInstantInEveryNotation(text: String) {
        let date = ISO8601.parse(text)
        #expect(date.map { Int($0.timeIntervalSince1970) } == Int(ISO8601.parse("2026-11-25T10:00:00Z")!.timeIntervalSince1970))
    }

    @Test(arguments: ["", "tomorrow", "2026-13-01", "2026-02-30", "2026-11-25T10:00", "2026-11-25T25:00:00Z", "2026-11-25T10:00:00+1",
                      "2026-11-25T10:00:00Zjunk", "26-11-25"])
    func anythingElseIsRefused(text: String) {
        #expect(ISO8601.parse(text) == nil)
    }

    @Test func aPlainDateIsMidnightUTC() {
        #expect(ISO8601.string(ISO8601.parse("2026-11-25")!) == "2026-11-25T00:00:00Z")
    }

    @Test func everyYearIsWrittenWithItsFieldsPadded() {
        #expect(ISO8601.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(ISO8601.string(Date(timeIntervalSince1970: -62_135_596_800 + 3_661.9)) == "0001-01-01T01:01:01Z")
        #expect(ISO8601.string(Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59Z")
        #expect(ISO8601.string(Date(timeIntervalSince1970: 253_402_300_800 + 9)) == "10000-01-01T00:00:09Z")
        let formatter = ISO8601DateFormatter()
        for _ in 0..<2_000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800)))
            #expect(ISO8601.string(date) == formatter.string(from: date))
        }
    }
}

@Suite struct EmailAddressTests {
    @Test(arguments: ["anna@example.com", "Anna.Kowalska+zakupy@sklep.com.pl", " x@y.io "])
    func addressesAreAcceptedAndLowercased(raw: String) {
        #expect(EmailAddress.normalize(raw) == raw.trimmingCharacters(in: .whitespaces).lowercased())
    }

    @Test(arguments: ["", "anna", "anna@", "@example.com", "anna@example", "a b@example.com", "anna@exa mple.com",
                      "anna@example.com\r\nBcc: x@y.z", "anna..k@example.com", "anna@-example.com", "a<b>@example.com"])
    func malformedAddressesAreRefused(raw: String) {
        #expect(EmailAddress.normalize(raw) == nil)
    }
}

@Suite struct CivilTimeTests {
    @Test(arguments: ["UTC", "Europe/Warsaw", "America/New_York", "Asia/Kolkata"])
    func wallClockFieldsMatchFoundationsCalendar(zone: String) {
        let timeZone = TimeZone(identifier: zone)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var generator = SystemRandomNumberGenerator()
        let instants = [0, -1, 951_782_400, 1_711_846_800, 1_729_987_200] + (0..<500).map { _ in Int.random(in: -2_000_000_000...4_000_000_000, using: &generator) }
        for seconds in instants {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let expected = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let civil = LocaleFormat.civil(date, timeZone: timeZone)
            #expect(civil.year == expected.year && civil.month == expected.month && civil.day == expected.day
                    && civil.hour == expected.hour && civil.minute == expected.minute, "\(zone) \(seconds)")
        }
    }
}

@Suite struct ISO8601CalendarTests {
    @Test func datesBefore1582AreProlepticGregorianBothWays() {
        // Found by fuzzing: Foundation's calendar is Julian before 1582, gmtime is not.
        let text = "1013-11-25T17:00:00.123-0550"
        let date = ISO8601.parse(text)
        #expect(date.map(ISO8601.string) == "1013-11-25T22:50:00Z")
        #expect(ISO8601.parse("0001-01-01T00:00:00Z").map(ISO8601.string) == "0001-01-01T00:00:00Z")
        #expect(ISO8601.parse("2024-02-29") != nil)
        #expect(ISO8601.parse("2023-02-29") == nil)
        #expect(ISO8601.parse("1900-02-29") == nil)
        #expect(ISO8601.parse("2000-02-29") != nil)
    }

    /// The digit-by-digit writer against the C library's gmtime, over instants from the
    /// year 1 to 9999 and the second boundaries that carry into minutes and days.
    @Test func printingAgreesWithGmtime() {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, -1, 59, 60, 86_399, 86_400, 951_782_399, 951_782_400, 1_795_000_000]
        let random = (0..<20_000).map { _ in Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator) }
        for seconds in edges + random {
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                                  Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
            let date = Date(timeIntervalSince1970: TimeInterval(seconds) + 0.75)
            #expect(ISO8601.string(date) == expected, "\(seconds)")
        }
    }
}

/// Money is written in one pass; this is the way it was written before, by splitting and
/// grouping strings, kept to check the two agree on every locale, currency and size.
@Suite struct MoneyFormattingTests {
    static func reference(_ money: Money, _ locale: AppLocale) -> String {
        let symbols: [String: (text: String, prefix: Bool)] = [
            "PLN": ("zł", false), "EUR": ("€", true), "USD": ("$", true), "GBP": ("£", true),
            "CHF": ("CHF", false), "CZK": ("Kč", false), "SEK": ("kr", false), "NOK": ("kr", false), "DKK": ("kr", false),
        ]
        func group(_ digits: String, with separator: String) -> String {
            guard digits.count > 3 else { return digits }
            var result = ""
            for (index, char) in digits.enumerated() {
                if index > 0 && (digits.count - index) % 3 == 0 { result += separator }
                result.append(char)
            }
            return result
        }
        let plain = AmountText.plain(minor: Int64(money.minor.magnitude), digits: money.currency.minorDigits, separator: ".")
        let parts = plain.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts[0]), fraction = parts.count > 1 ? String(parts[1]) : ""
        let sign = money.minor < 0 ? "-" : ""
        let symbol = symbols[money.currency.code]
        switch locale {
        case .en:
            let number = group(whole, with: ",") + (fraction.isEmpty ? "" : "." + fraction)
            if let symbol, symbol.prefix { return sign + symbol.text + number }
            return sign + money.currency.code + "\u{00A0}" + number
        case .pl, .de:
            let number = group(whole, with: locale == .pl ? "\u{00A0}" : ".") + (fraction.isEmpty ? "" : "," + fraction)
            return sign + number + "\u{00A0}" + (symbol?.text ?? money.currency.code)
        }
    }

    @Test func moneyIsWrittenAsItAlwaysWas() {
        var generator = SystemRandomNumberGenerator()
        let currencies = ["PLN", "EUR", "USD", "GBP", "CHF", "CZK", "SEK", "JPY", "HUF", "KWD"].compactMap { Currency(code: $0) }
        var amounts: [Int64] = [0, 1, 9, 10, 99, 100, 999, 1000, 12_345, 100_000, 999_999, 1_000_000, -1, -1_234_567, AmountText.maximumMinor]
        for _ in 0..<2000 { amounts.append(Int64.random(in: -AmountText.maximumMinor...AmountText.maximumMinor, using: &generator)) }
        for currency in currencies {
            for amount in amounts {
                for locale in AppLocale.allCases {
                    let money = Money(minor: amount, currency: currency)
                    #expect(LocaleFormat(locale: locale, timeZone: TimeZone(identifier: "UTC")!).money(money) == Self.reference(money, locale))
                }
            }
        }
    }
}

@Suite struct DateTextTests {
    /// Dates and times written into bytes read as Foundation's calendar has them, in each
    /// language, across years and zones.
    @Test(arguments: ["Europe/Warsaw", "UTC", "America/New_York", "Asia/Kolkata"])
    func datesAreTheCalendarsDates(zone: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let date = Date(timeIntervalSince1970: Double.random(in: -2_000_000_000..<4_102_444_800, using: &generator))
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let time = ", " + two(c.hour!) + ":" + two(c.minute!)
            let english = "\(c.day!) \(months[c.month! - 1]) \(c.year!)"
            let numeric = two(c.day!) + "." + two(c.month!) + "." + String(c.year!)
            for (locale, expected) in [(AppLocale.en, english), (.pl, numeric), (.de, numeric)] {
                let format = LocaleFormat(locale: locale, timeZone: timeZone)
                #expect(format.date(date) == expected)
                #expect(format.dateTime(date) == expected + time)
            }
        }
    }
}

@Suite struct ZoneOffsetTests {
    /// Offsets read from the table are Foundation's, around every transition and between.
    @Test(arguments: ["Europe/Warsaw", "UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Berlin"])
    func offsetsAreFoundations(zone: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        let table = ZoneOffsets.of(timeZone)
        var generator = SystemRandomNumberGenerator()
        var instants: [Double] = (0..<20_000).map { _ in Double.random(in: 0..<4_102_444_800, using: &generator) }
        var t = Date(timeIntervalSince1970: 0)
        while let next = timeZone.nextDaylightSavingTimeTransition(after: t), next.timeIntervalSince1970 < 4_102_444_800 {
            instants += [next.timeIntervalSince1970 - 1, next.timeIntervalSince1970, next.timeIntervalSince1970 + 0.5]
            t = next
        }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(table.offset(at: date) == timeZone.secondsFromGMT(for: date), "\(zone) \(date)")
        }
    }
}
