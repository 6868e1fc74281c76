import Foundation
import GRDB
import Testing
@testable import Operations
@testable import Protection
@testable import Store

/// One pass of the clock through the real database (SPEC §6): each transition at its
/// edge, once, also when passes run twice or at the same time.
@Suite struct SweeperTests {
    @Test func theMerchantDeadlineEscalatesAtFiveDaysAndNotBefore() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        let due = start + 5 * day
        #expect(try f.app.sweep(at: due - 1).casesEscalated == 0)
        #expect(try f.state(id) == .awaitingMerchant)
        #expect(try f.app.sweep(at: due).casesEscalated == 1)
        #expect(try f.state(id) == .escalated)
        #expect(try f.app.sweep(at: due + 1).casesEscalated == 0, "once")
    }

    @Test func theCustomerDeadlineClosesAtTwentyDays() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        f.clock.set(start + day)
        _ = try f.app.reply(caseID: id, viewer: f.merchant, refund: "no", amount: nil, message: "Nie", uploads: [])
        let due = start + 21 * day
        #expect(try f.app.sweep(at: due - 1).casesClosed == 0)
        let report = try f.app.sweep(at: due)
        #expect(report.casesClosed == 1)
        let record = try f.app.database.read { db in try CaseRecord.find(db, id: id)! }
        #expect(record.file.closure == .customerNoResponse)
    }

    @Test func day23SendsOneEmailAndDay30Expires() throws {
        let f = try Fixture()
        let p = try f.protection("N-1")
        let before = try f.outbox().count
        #expect(try f.app.sweep(at: start + 23 * day - 1).feedbackReminders == 0)
        #expect(try f.app.sweep(at: start + 23 * day).feedbackReminders == 1)
        #expect(try f.app.sweep(at: start + 23 * day + 60).feedbackReminders == 0)
        let reminders = try f.outbox().dropFirst(before).filter { $0.mail.kind == "feedback_reminder" }
        #expect(reminders.count == 1)
        #expect(reminders[0].mail.textBody.contains("/login/"), "a button that signs the customer in")
        #expect(reminders[0].mail.textBody.contains("next=/protections/\(p.id)"))
        #expect(try f.app.sweep(at: start + 30 * day - 1).protectionsExpired == 0)
        #expect(try f.app.sweep(at: start + 30 * day).protectionsExpired == 1)
        #expect(try f.app.database.read { db in try ProtectionRecord.find(db, id: p.id)!.state } == .expired)
    }

    @Test func aSweeperThatWasAsleepPastDayThirtyExpiresWithoutAReminder() throws {
        let f = try Fixture()
        _ = try f.protection("N-1")
        let report = try f.app.sweep(at: start + 31 * day)
        #expect(report.feedbackReminders == 0)
        #expect(report.protectionsExpired == 1)
        #expect(try f.outbox().allSatisfy { $0.mail.kind != "feedback_reminder" })
    }

    @Test func remindersGoOutOnceEach() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        #expect(try f.app.sweep(at: start + 4 * day).merchantReminders == 1)
        #expect(try f.app.sweep(at: start + 4 * day + 3600).merchantReminders == 0)
        f.clock.set(start + 4 * day + 7200)
        _ = try f.app.reply(caseID: id, viewer: f.merchant, refund: "no", amount: nil, message: "Nie", uploads: [])
        let customerDue = start + 4 * day + 7200 + 20 * day
        #expect(try f.app.sweep(at: customerDue - 5 * day - 1).customerReminders == 0)
        #expect(try f.app.sweep(at: customerDue - 5 * day).customerReminders == 1)
        #expect(try f.app.sweep(at: customerDue - day).customerReminders == 0)
        let kinds = try f.outbox().map(\.mail.kind)
        #expect(kinds.filter { $0 == "merchant_reminder" }.count == 2, "to each of the shop's two addresses")
        #expect(kinds.filter { $0 == "customer_reminder" }.count == 1)
    }

    @Test func aReplyASecondBeforeTheDeadlineWins() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        f.clock.set(start + 5 * day - 1)
        _ = try f.app.reply(caseID: id, viewer: f.merchant, refund: "no", amount: nil, message: "Just in time", uploads: [])
        #expect(try f.app.sweep(at: start + 5 * day).casesEscalated == 0)
        #expect(try f.state(id) == .awaitingCustomer)
    }

    @Test func aClockThatGoesBackwardsUndoesNothing() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        _ = try f.app.sweep(at: start + 6 * day)
        let mails = try f.outbox().count
        let report = try f.app.sweep(at: start + day)
        #expect(report.transitions == 0)
        #expect(try f.state(id) == .escalated)
        #expect(try f.outbox().count == mails)
    }

    @Test func twoPassesAtOnceSendEachEmailOnce() throws {
        let f = try Fixture()
        for i in 0..<40 { _ = try f.openCase("N-\(i)") }
        for i in 0..<40 { _ = try f.protection("P-\(i)") }
        let before = try f.outbox().count
        let apps = [f.app, try f.secondApp(), try f.secondApp()]
        let at = start + 25 * day
        nonisolated(unsafe) var reports = [App.SweepReport](repeating: .init(), count: apps.count)
        DispatchQueue.concurrentPerform(iterations: apps.count) { i in
            reports[i] = (try? apps[i].sweep(at: at)) ?? .init()
        }
        #expect(reports.map(\.casesEscalated).reduce(0, +) == 40)
        #expect(reports.map(\.feedbackReminders).reduce(0, +) == 40)
        let added = try f.outbox().dropFirst(before)
        // 40 escalations: customer + 2 shop addresses each; 40 day-23 emails.
        #expect(added.filter { $0.mail.kind == "escalated" }.count == 120)
        #expect(added.filter { $0.mail.kind == "feedback_reminder" }.count == 40)
        let events = try f.app.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE kind = 'escalated'") }
        #expect(events == 40)
    }

    @Test func documentRequestsExpireWithAnEvent() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        _ = try f.app.sweep(at: start + 5 * day)
        f.clock.set(start + 6 * day)
        _ = try f.app.requestDocuments(caseID: id, viewer: f.agent, from: "customer", text: "Potwierdzenie")
        #expect(try f.app.sweep(at: start + 13 * day - 1).documentRequestsExpired == 0)
        #expect(try f.app.sweep(at: start + 13 * day).documentRequestsExpired == 1)
        #expect(try f.app.sweep(at: start + 14 * day).documentRequestsExpired == 0)
        let events = try f.app.database.read { db in try EventRecord.timeline(db, caseID: id, audience: .customer).map(\.kind) }
        #expect(events.contains(.documentRequestExpired))
    }

    @Test func anAnsweredRequestDoesNotExpire() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        _ = try f.app.sweep(at: start + 5 * day)
        f.clock.set(start + 6 * day)
        _ = try f.app.requestDocuments(caseID: id, viewer: f.agent, from: "customer", text: "Potwierdzenie")
        f.clock.set(start + 7 * day)
        _ = try f.app.partyMessage(caseID: id, viewer: f.anna, message: "Proszę", uploads: [])
        #expect(try f.app.sweep(at: start + 20 * day).documentRequestsExpired == 0)
    }
}

/// A pass over a million protections must find its work through indexes: every
/// sweeper query is checked with EXPLAIN QUERY PLAN for a full scan of a table.
@Suite struct SweeperPlanTests {
    @Test(arguments: SweepSQL.all.map(\.name))
    func theSweeperQueryUsesAnIndex(name: String) throws {
        let f = try Fixture()
        let query = try #require(SweepSQL.all.first { $0.name == name })
        let plan = try f.app.database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql,
                             arguments: StatementArguments(Array(repeating: 1, count: query.arguments))).map { $0["detail"] as String }
        }
        #expect(!plan.contains { $0.hasPrefix("SCAN ") && !$0.contains("USING") }, "\(name): \(plan)")
        #expect(plan.contains { $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") || $0.contains("PRIMARY KEY") }, "\(name): \(plan)")
    }
}
