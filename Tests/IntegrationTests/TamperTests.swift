import Foundation
import Testing

/// The tamper-evident case file: `bp verify` holds over a case's real life, and names
/// the case and event after one row is changed or removed behind the product's back
/// (with Python's sqlite3, the append-only triggers dropped first as a tamperer would),
/// or a document's file is swapped.
@Suite struct TamperTests {
    func sql(_ stack: Stack, _ statements: String) throws {
        let script = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()"
        let result = try Stack.capture(
            "/usr/bin/python3", ["-c", script, stack.data + "/bp.sqlite", statements], env: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func verifyNamesTheFirstChangedOrRemovedEventAndASwappedFile() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let first = try world.openCase(anna, protection: try world.registerOrder("T-1"), files: [World.pdf])
        #expect(try world.reply(try world.merchant(), caseID: first, refund: "no", message: "Delivered.").status == 303)
        #expect(try world.answer(anna, caseID: first, answer: "disagree", message: "Not mine.").status == 303)
        let second = try world.openCase(anna, protection: try world.registerOrder("T-2"))
        let clean = try stack.run(["verify"])
        #expect(clean.status == 0, "\(clean.stdout) \(clean.stderr)")
        #expect(clean.stdout.contains("cases: 2") && clean.stdout.contains("every chain holds"))

        // One word of the merchant's reply changed.
        try sql(stack, """
            DROP TRIGGER events_are_append_only_update;
            UPDATE events SET text = 'Refunded in full.' WHERE case_id = '\(first)' AND kind = 'merchant_replied';
            """)
        let changed = try stack.run(["verify"])
        #expect(changed.status == 1)
        let replyID = try #require(Browser.firstMatch(#"event (\d+): does not match"#, in: changed.stdout))
        #expect(changed.stdout.contains("(\(first))"), "\(changed.stdout)")
        #expect(!changed.stdout.contains(second), "the other case holds")
        let onlySecond = try stack.run(["verify", "--case", second])
        #expect(onlySecond.status == 0)

        // Removing the customer's answer instead breaks the link after it.
        let other = try world.openCase(anna, protection: try world.registerOrder("T-3"))
        _ = try world.reply(try world.merchant(), caseID: other, refund: "no", message: "No.")
        _ = try world.answer(anna, caseID: other, answer: "accept")
        try sql(stack, """
            DROP TRIGGER events_are_append_only_delete;
            DELETE FROM events WHERE case_id = '\(other)' AND kind = 'merchant_replied';
            """)
        let removed = try stack.run(["verify", "--case", other])
        #expect(removed.status == 1)
        #expect(removed.stdout.contains("(\(other)), event"), "\(removed.stdout)")
        #expect(Int(replyID) != nil)

        // A document's file swapped for other bytes: named by its document.
        let fresh = try world.openCase(anna, protection: try world.registerOrder("T-4"), files: [World.pdf])
        let files = (FileManager.default.enumerator(atPath: stack.data + "/documents")?.allObjects as? [String] ?? []).filter { $0.count > 60 }
        for file in files { try Data("%PDF-1.4 forged".utf8).write(to: URL(fileURLWithPath: stack.data + "/documents/" + file)) }
        let swapped = try stack.run(["verify", "--case", fresh])
        #expect(swapped.status == 1)
        #expect(swapped.stdout.contains("its file is missing or not what was uploaded"), "\(swapped.stdout)")
        #expect(try stack.run(["verify", "--case", "nosuchcase"]).status == 2)
    }
}
