import Foundation
import Testing

/// The clock through `bp tick --at` on the real database (SPEC §6, issue "Deadlines").
@Suite(.serialized) struct DeadlineTests {
    let day: TimeInterval = 86_400

    func mails(_ stack: Stack, subject: String) -> [Mailbox.Mail] {
        stack.mailbox.all().filter { $0.subject.contains(subject) }
    }

    @Test func escalationAfterFiveDaysAndClosureAfterTwenty() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let silent = try world.openCase(try world.customer("anna@example.com"), protection: try world.registerOrder("D-1", locale: "en"))
        let answered = try world.openCase(try world.customer("anna@example.com"), protection: try world.registerOrder("D-2", locale: "en"))
        let opened = Date()
        #expect(try world.reply(try world.merchant(), caseID: answered, refund: "no", message: "No refund").status == 303)

        let tick = try stack.tick(at: opened + 5 * day - 60)
        #expect(tick.stdout.contains("cases escalated (merchant no response): 0"))
        #expect(tick.stdout.contains("merchant reminders: 1"), "a day before the deadline")
        let escalation = try stack.tick(at: opened + 5 * day + 60)
        #expect(escalation.stdout.contains("cases escalated (merchant no response): 1"))
        let merchant = try world.merchant()
        #expect(try merchant.get("/merchant/cases/\(silent)").text.contains("state-escalated"))
        #expect(mails(stack, subject: "is now with our service team").count == 3, "the customer and both shop addresses")

        #expect(try stack.tick(at: opened + 20 * day - 3600).stdout.contains("cases closed (customer no response): 0"))
        #expect(try stack.tick(at: opened + 20 * day + 3600).stdout.contains("cases closed (customer no response): 1"))
        let anna = try world.customer("anna@example.com")
        #expect(try anna.get("/cases/\(answered)").text.contains("state-closed"))
        #expect(mails(stack, subject: "is closed").count == 3)
        #expect(stack.mailbox.all().filter { $0.subject.contains("Reminder: please answer") }.count == 1, "the customer's reminder, once")
    }

    @Test func theDay23EmailGoesOutOnceAndDay30EndsTheProtection() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protection = try world.registerOrder("D-23")
        let registered = Date()
        try stack.tick(at: registered + 23 * day - 60)
        #expect(mails(stack, subject: "D-23").isEmpty)
        try stack.tick(at: registered + 23 * day + 60)
        try stack.tick(at: registered + 24 * day)
        let reminders = mails(stack, subject: "D-23")
        #expect(reminders.count == 1)
        let reminder = try #require(reminders.first)
        #expect(reminder.text.contains("Prześlij odpowiedź"))
        // The button signs the customer in straight at the feedback form.
        let browser = stack.browser()
        let landing = try browser.get(try #require(reminder.firstLinkPath))
        #expect(landing.location?.hasPrefix("/protections/\(protection)") == true)
        #expect(try browser.get("/protections/\(protection)").text.contains("name=\"option\""))

        #expect(try stack.tick(at: registered + 30 * day + 60).stdout.contains("protections expired: 1"))
        let after = try browser.get("/protections/\(protection)")
        #expect(!after.text.contains("name=\"option\""), "no feedback after day 30")
        #expect(after.text.contains("state-expired"))
    }

    @Test func twoTicksAtOnceSendEachEmailOnce() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        for i in 0..<5 { _ = try world.openCase(anna, protection: try world.registerOrder("C-\(i)")) }
        for i in 0..<5 { _ = try world.registerOrder("P-\(i)") }
        try stack.deliverMail()
        let before = stack.mailbox.all().count
        let at = Date() + 25 * day
        let stacks = [stack, stack]
        nonisolated(unsafe) var outputs = [Stack.Output?](repeating: nil, count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { i in outputs[i] = try? stacks[i].tick(at: at) }
        #expect(outputs.allSatisfy { $0?.status == 0 })
        try stack.tick(at: at + 1)
        let added = stack.mailbox.all().dropFirst(before)
        #expect(added.count == 5 * 3 + 5, "5 escalations to 3 addresses, 5 day-23 emails: \(added.count)")
        #expect(Set(added.map(\.raw)).count == added.count, "no duplicates")
        let escalated = outputs.compactMap { $0 }.map { Int(Browser.firstMatch(#"cases escalated \(merchant no response\): (\d+)"#, in: $0.stdout) ?? "0") ?? 0 }
        #expect(escalated.reduce(0, +) == 5)
    }

    @Test func pagesShowTheDeadlineThatMattersToTheViewer() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let anna = try world.customer("anna@example.com")
        let first = try world.openCase(anna, protection: try world.registerOrder("V-1"))
        let merchant = try world.merchant()
        let list = try merchant.get("/merchant/cases")
        #expect(list.text.contains("5 days left"))
        #expect(try merchant.get("/merchant/cases/\(first)").text.contains("5 days left"))
        #expect(try anna.get("/cases/\(first)").text.contains("zostało 5 dni"))
        _ = try world.reply(merchant, caseID: first, refund: "no")
        #expect(try anna.get("/cases/\(first)").text.contains("zostało 20 dni"))
        #expect(try anna.get("/account").text.contains("zostało 20 dni"))
    }
}
