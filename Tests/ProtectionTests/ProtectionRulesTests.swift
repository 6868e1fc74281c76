import Foundation
import Testing
@testable import Protection

@Suite struct ProtectionRulesTests {
    let active = ProtectionFacts(state: .active, activatedAt: t0, expiresAt: t0 + 30 * day)

    @Test func eachOptionHasItsEffect() throws {
        #expect(try ProtectionRules.feedback(.allFine, on: active, at: t0) == .complete)
        #expect(try ProtectionRules.feedback(.notReceived, on: active, at: t0) == .openCase(.notReceived))
        #expect(try ProtectionRules.feedback(.refundMissing, on: active, at: t0) == .openCase(.refundMissing))
        #expect(try ProtectionRules.feedback(.other, on: active, at: t0) == .inquiry)
    }

    @Test func feedbackIsTakenUntilTheLastSecondOfDayThirty() throws {
        #expect(try ProtectionRules.feedback(.notReceived, on: active, at: t0 + 30 * day - 1) == .openCase(.notReceived))
        #expect(throws: FeedbackError.ended) { try ProtectionRules.feedback(.notReceived, on: active, at: t0 + 30 * day) }
        #expect(throws: FeedbackError.ended) { try ProtectionRules.feedback(.allFine, on: active, at: t0 + 31 * day) }
    }

    @Test func endedOrClaimedProtectionsTakeNoFeedback() {
        for state in [ProtectionState.completed, .expired] {
            let facts = ProtectionFacts(state: state, activatedAt: t0, expiresAt: t0 + 30 * day)
            #expect(throws: FeedbackError.ended) { try ProtectionRules.feedback(.other, on: facts, at: t0 + day) }
        }
        let claimed = ProtectionFacts(state: .claimed, activatedAt: t0, expiresAt: t0 + 30 * day, hasCase: true)
        #expect(throws: FeedbackError.alreadyClaimed) { try ProtectionRules.feedback(.notReceived, on: claimed, at: t0 + day) }
    }

    @Test func theDay23ReminderIsDueFromDay23UntilExpiryAndOnce() {
        #expect(!ProtectionRules.feedbackReminderDue(active, at: t0 + 23 * day - 1, deadlines: deadlines))
        #expect(ProtectionRules.feedbackReminderDue(active, at: t0 + 23 * day, deadlines: deadlines))
        #expect(ProtectionRules.feedbackReminderDue(active, at: t0 + 30 * day - 1, deadlines: deadlines))
        #expect(!ProtectionRules.feedbackReminderDue(active, at: t0 + 30 * day, deadlines: deadlines))
        var sent = active
        sent.reminderSentAt = t0 + 23 * day
        #expect(!ProtectionRules.feedbackReminderDue(sent, at: t0 + 24 * day, deadlines: deadlines))
        var claimed = active
        claimed.hasCase = true
        #expect(!ProtectionRules.feedbackReminderDue(claimed, at: t0 + 24 * day, deadlines: deadlines))
    }

    @Test func expiryIsDueExactlyAtDayThirtyWithoutACase() {
        #expect(!ProtectionRules.expiryDue(active, at: t0 + 30 * day - 1))
        #expect(ProtectionRules.expiryDue(active, at: t0 + 30 * day))
        var claimed = active
        claimed.hasCase = true
        #expect(!ProtectionRules.expiryDue(claimed, at: t0 + 40 * day), "a case opened in time goes on after day 30")
    }

    @Test func deadlinesComeFromConfiguration() {
        var custom = Deadlines()
        custom.merchantDays = 2
        #expect(custom.merchantDue(openedAt: t0) == t0 + 2 * day)
        #expect(Deadlines.daysLeft(until: t0 + 3 * day, from: t0) == 3)
        #expect(Deadlines.daysLeft(until: t0 + 3 * day, from: t0 + 1) == 3, "rounded up")
        #expect(Deadlines.daysLeft(until: t0, from: t0 + 1) == 0)
    }
}

@Suite struct SearchTermTests {
    @Test(arguments: [
        ("#107380", SearchTerm.caseNumber(107_380)),
        ("# 107380", .caseNumber(107_380)),
        ("107380", .numberOrOrder(107_380, prefix: "107380")),
        (" 4711 ", .numberOrOrder(4711, prefix: "4711")),
        ("ZX-4711", .orderPrefix("ZX-4711")),
        ("#ABC", .orderPrefix("#ABC")),
        ("Anna@Example.COM", .email("anna@example.com")),
        ("99999999999999999999", .orderPrefix("99999999999999999999")),
    ])
    func whatWasTypedIsUnderstood(typed: String, term: SearchTerm) {
        #expect(SearchTerm.parse(typed) == term)
    }

    @Test func nothingTooMuchOrControlCharactersAreNoSearch() {
        #expect(SearchTerm.parse("") == nil)
        #expect(SearchTerm.parse("   ") == nil)
        #expect(SearchTerm.parse(String(repeating: "x", count: 201)) == nil)
        #expect(SearchTerm.parse("a\u{0}b") == nil)
        #expect(SearchTerm.parse(String(repeating: "x", count: 200)) == .orderPrefix(String(repeating: "x", count: 200)))
    }
}

@Suite struct ExportRangeTests {
    let today = ExportRange.day("2026-12-01")!

    @Test func daysAreCountedFromTheCalendar() {
        #expect(ExportRange.day("1970-01-01") == 0)
        #expect(ExportRange.day("2024-02-29") == ExportRange.day("2024-02-28")! + 1)
        #expect(ExportRange.day("2024-03-01") == ExportRange.day("2024-02-29")! + 1)
        #expect(ExportRange.day("2025-02-29") == nil, "not a leap year")
        #expect(ExportRange.day("2100-02-29") == nil, "not a leap year either")
        #expect(ExportRange.day("2000-02-29") != nil)
        for text in ["2026-13-01", "2026-00-10", "2026-04-31", "26-11-30", "2026-1-05", "2026/11/30", "", "x", "2026-11-3O"] {
            #expect(ExportRange.day(text) == nil, "\(text)")
        }
        for text in ["1999-12-31", "2026-11-30", "2028-02-29"] { #expect(ExportRange.text(ExportRange.day(text)!) == text) }
    }

    @Test func missingDaysDefaultToTheLast90() throws {
        let range = try ExportRange.parse(from: nil, to: "", today: today).get()
        #expect(range == ExportRange(firstDay: today - 89, lastDay: today))
        let toOnly = try ExportRange.parse(from: " ", to: "2026-06-30", today: today).get()
        #expect(toOnly.lastDay == ExportRange.day("2026-06-30"))
        #expect(toOnly.lastDay - toOnly.firstDay == 89)
    }

    @Test func badRangesAreRefusedWithTheirReason() {
        #expect(ExportRange.parse(from: "2026-31-01", to: nil, today: today) == .failure(.fromInvalid))
        #expect(ExportRange.parse(from: nil, to: "tomorrow", today: today) == .failure(.toInvalid))
        #expect(ExportRange.parse(from: "2026-12-02", to: "2026-12-01", today: today) == .failure(.reversed))
        // 731 days (two years with a leap day) is the most; one more is refused.
        #expect((try? ExportRange.parse(from: "2024-11-30", to: "2026-11-30", today: today).get()) != nil)
        #expect(ExportRange.parse(from: "2024-11-29", to: "2026-11-30", today: today) == .failure(.tooLong))
        #expect((try? ExportRange.parse(from: "2026-12-01", to: "2026-12-01", today: today).get()) != nil, "one day")
    }
}
