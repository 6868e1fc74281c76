import Foundation
import GRDB
import Store
import Testing

/// Crashes, races and operations (issue "Robustness"): what was answered is kept, what
/// was not is cleaned up, exactly one of two racing actions wins.
@Suite(.serialized) struct RobustnessTests {
    static let document = Browser.File(name: "scan.pdf", contentType: "application/pdf",
                                       bytes: Array("%PDF-1.4\n".utf8) + (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })

    @Test func killingTheServerMidUploadLosesNothingThatWasAnswered() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let protections = try (0..<64).map { try world.registerOrder("K-\($0)") }
        let anna = try world.customer("anna@example.com")
        try anna.get("/account")
        let token = try #require(anna.csrf())
        let lock = NSLock()
        nonisolated(unsafe) var answers = [Int](repeating: 0, count: 64)
        nonisolated(unsafe) var finished = 0
        let killer = Thread {
            while lock.withLock({ finished }) < 12 { usleep(2_000) }
            stack.killServe()
            usleep(200_000)
            try? stack.startServe()
        }
        killer.start()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            // Each submission in its own connection, as 64 people would send them.
            let browser = stack.browser()
            browser.cookies = anna.cookies
            let file = Browser.File(name: "scan-\(i).pdf", contentType: "application/pdf", bytes: Self.document.bytes + Array("\(i)".utf8))
            let reply = try? browser.postMultipart("/protections/\(protections[i])/feedback", [("option", "not_received"), ("message", "#\(i)")],
                                                  files: [file], csrf: token)
            lock.withLock {
                answers[i] = reply?.status ?? 0
                finished += 1
            }
        }
        while killer.isExecuting { usleep(10_000) }
        #expect(answers.contains(303), "some submissions went through")
        #expect(answers.contains { $0 != 303 }, "the kill hit submissions in flight: \(answers)")
        let database = try AppDatabase(path: stack.data + "/bp.sqlite")
        let store = DocumentStore(dataDirectory: stack.data)
        try database.read { (db: Database) throws -> Void in
            for (i, status) in answers.enumerated() where status == 303 {
                let record = try Row.fetchOne(db, sql: "SELECT id FROM cases WHERE protection_id = ?", arguments: [protections[i]])
                #expect(record != nil, "answered submission \(i) has its case")
                let hashes = try String.fetchAll(db, sql: "SELECT d.sha256 FROM documents d JOIN cases c ON c.id = d.case_id WHERE c.protection_id = ?",
                                                 arguments: [protections[i]])
                #expect(hashes.count == 1, "and its document")
            }
            for hash in try String.fetchAll(db, sql: "SELECT sha256 FROM documents") {
                #expect(store.exists(sha256: hash), "no document row without its file")
            }
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
        }
        let check = try stack.run(["check", "--repair", "--grace", "0"])
        #expect(check.status == 0, "\(check.stdout)")
        let after = try stack.run(["check", "--grace", "0"])
        #expect(after.stdout.contains("files no document refers to (older than an hour): 0"))
        #expect(after.stdout.contains("abandoned uploads (older than an hour): 0"))
        #expect(try stack.browser().get("/").status == 200, "serving again")
    }

    @Test func killingTheWorkerMidDeliveryLosesNoEmailAndSendsNoneTwice() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let database = try AppDatabase(path: stack.data + "/bp.sqlite")
        let count = 400
        try database.write { db in
            for i in 0..<count {
                try Outbox.enqueue(db, OutgoingMail(kind: "test", caseID: nil, to: "u\(i)@example.com", locale: "en", subject: "Mail \(i)",
                                                    textBody: "Body \(i)", htmlBody: "<p>Body \(i)</p>"), now: Date() - 10, messageDomain: "test")
            }
        }
        let first = try stack.startWorker()
        let deadline = Date() + 20
        while stack.mailbox.all().count < 40 && Date() < deadline { usleep(5_000) }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        // A message leased by the dead worker is due again after its lease; let it be now.
        try database.write { db in try db.execute(sql: "UPDATE outbox SET next_attempt_at = ? WHERE state = 'sending'", arguments: [Date() - 1]) }
        let second = try stack.startWorker()
        defer { second.terminate(); second.waitUntilExit() }
        while Date() < deadline + 20 {
            let waiting = try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state != 'sent'") ?? 0 }
            if waiting == 0 { break }
            usleep(50_000)
        }
        let mails = stack.mailbox.all()
        #expect(mails.count == count, "every email arrives once: \(mails.count)")
        #expect(Set(mails.map(\.subject)).count == count, "none twice")
    }

    @Test func aReplyAtTheMomentOfEscalationLeavesExactlyOneOutcome() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let merchant = try world.merchant()
        for round in 0..<3 {
            let caseID = try world.openCase(anna, protection: try world.registerOrder("R-\(round)"))
            try merchant.get("/merchant/cases/\(caseID)/reply")
            let token = try #require(merchant.csrf())
            nonisolated(unsafe) var replyStatus = 0
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                if i == 0 {
                    _ = try? stack.tick(at: Date() + 5 * 86_400 + 60)
                } else {
                    replyStatus = (try? merchant.postMultipart("/merchant/cases/\(caseID)/reply",
                                                               [("refund", "no"), ("amount", ""), ("message", "Race \(round)")], csrf: token))?.status ?? 0
                }
            }
            let page = try merchant.get("/merchant/cases/\(caseID)").text
            let replied = page.contains("event-merchant_replied"), escalated = page.contains("state-escalated")
            if replyStatus == 303 {
                #expect(replied && !page.contains("Passed to the service team: The shop did not answer"), "the reply won")
            } else {
                #expect(replyStatus == 409, "the reply lost and was told: \(replyStatus)")
                #expect(escalated && !replied, "the escalation won")
            }
        }
    }

    @Test func twoAgentsDecidingAtOnceAndTwoTabsAnsweringAtOnce() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let merchant = try world.merchant()
        let caseID = try world.openCase(anna, protection: try world.registerOrder("T-1"))
        #expect(try world.reply(merchant, caseID: caseID, refund: "no").status == 303)
        let tabs = [anna, try world.customer("anna@example.com")]
        for tab in tabs { try tab.get("/cases/\(caseID)") }
        let tokens = tabs.map { $0.csrf()! }
        nonisolated(unsafe) var answers = [0, 0]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            answers[i] = (try? tabs[i].postMultipart("/cases/\(caseID)/answer", [("answer", "disagree"), ("message", "tab \(i)")], csrf: tokens[i]))?.status ?? 0
        }
        #expect(answers.sorted() == [303, 409], "one tab wins, the other is told: \(answers)")

        let agents = [try world.agent(), try world.agent()]
        for agent in agents { try agent.get("/service/cases/\(caseID)") }
        let agentTokens = agents.map { $0.csrf()! }
        nonisolated(unsafe) var decisions = [0, 0]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            decisions[i] = (try? agents[i].post("/service/cases/\(caseID)/decision",
                                                [("outcome", i == 0 ? "rejected" : "settled"), ("amount", ""), ("text", "Agent \(i)")],
                                                csrf: agentTokens[i]))?.status ?? 0
        }
        #expect(decisions.sorted() == [303, 409], "one decision closes the case: \(decisions)")
        let events = Browser.allMatches("event-decision", in: try agents[0].get("/service/cases/\(caseID)").text)
        #expect(events.count == 1)
    }

    @Test func aBackupTakenUnderLoadRestoresEveryCase() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        var cases: [String] = []
        for i in 0..<10 { cases.append(try world.openCase(anna, protection: try world.registerOrder("B-\(i)"), files: [World.pdf])) }
        let backup = stack.data + "-backup"
        defer { try? FileManager.default.removeItem(atPath: backup) }
        nonisolated(unsafe) var backupStatus: Int32 = -1
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 {
                backupStatus = (try? stack.run(["backup", backup]))?.status ?? -1
            } else {
                for j in 0..<10 { _ = try? world.openCase(anna, protection: try world.registerOrder("L-\(j)")) }
            }
        }
        #expect(backupStatus == 0)
        let restored = try Stack()
        defer { restored.stop() }
        _ = restored.stopServe()
        let restore = try Stack.capture(Stack.bp, ["restore", backup], env: restored.environment)
        #expect(restore.status == 0, "\(restore.stderr)")
        try restored.startServe()
        let database = try AppDatabase(path: restored.data + "/bp.sqlite")
        let found = try database.read { db in try String.fetchAll(db, sql: "SELECT id FROM cases") }
        for id in cases { #expect(found.contains(id), "case \(id) restored") }
        let check = try restored.run(["check"])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("documents without their file: 0"))
        // The same secret: the customer's session still works on the restored copy.
        let copy = restored.browser()
        copy.cookies = anna.cookies
        #expect(try copy.get("/cases/\(cases[0])").status == 200)
    }

    @Test func restoreRefusesABackupWhoseDocumentOrDatabaseWasDamaged() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder("D-1"), files: [World.pdf])
        let backup = stack.data + "-backup"
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let made = try stack.run(["backup", backup])
        #expect(made.status == 0, "\(made.stderr)")
        let fm = FileManager.default
        let documents = (fm.enumerator(atPath: backup + "/documents")?.allObjects as? [String] ?? []).filter { $0.count > 60 }
        try #require(documents.count == 1)

        let target = try Stack()
        defer { target.stop() }
        _ = target.stopServe()
        let before = try Data(contentsOf: URL(fileURLWithPath: target.data + "/bp.sqlite"))

        // One byte of the stored document changed: its hash no longer matches its row.
        let document = backup + "/documents/" + documents[0]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: document))
        bytes[bytes.count - 2] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: document))
        let tampered = try Stack.capture(Stack.bp, ["restore", backup], env: target.environment)
        #expect(tampered.status == 2)
        #expect(tampered.stderr.contains("do not match their rows"), "\(tampered.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target.data + "/bp.sqlite")) == before, "nothing restored")

        // The document missing altogether.
        try fm.removeItem(atPath: document)
        let missing = try Stack.capture(Stack.bp, ["restore", backup], env: target.environment)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("is missing"), "\(missing.stderr)")

        // The database damaged in the middle of its pages: it no longer matches the
        // manifest the backup wrote (SQLite's integrity check alone misses damage to
        // free space and to values).
        let fresh = stack.data + "-backup2"
        defer { try? fm.removeItem(atPath: fresh) }
        #expect(try stack.run(["backup", fresh]).status == 0)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: fresh + "/bp.sqlite"))
        let size = try handle.seekToEnd()
        for page in stride(from: UInt64(4096 * 2), to: size, by: 4096 * 3) {
            try handle.seek(toOffset: page + 100)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 64))
        }
        try handle.close()
        let damaged = try Stack.capture(Stack.bp, ["restore", fresh], env: target.environment)
        #expect(damaged.status == 2)
        #expect(damaged.stderr.contains("bp.sqlite does not match backup.sha256"), "\(damaged.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target.data + "/bp.sqlite")) == before, "nothing restored")
        // A backup that never finished (no manifest) is refused too.
        try fm.removeItem(atPath: fresh + "/backup.sha256")
        let unfinished = try Stack.capture(Stack.bp, ["restore", fresh], env: target.environment)
        #expect(unfinished.status == 2)
        #expect(unfinished.stderr.contains("never finished"), "\(unfinished.stderr)")
        _ = caseID
    }

    @Test func healthzTellsTheTruth() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let never = try stack.browser().get("/healthz")
        #expect(never.status == 503)
        #expect(never.text.contains("worker has never run"))
        try stack.deliverMail()
        let healthy = try stack.browser().get("/healthz")
        #expect(healthy.status == 200)
        #expect(healthy.text.contains("\"status\":\"ok\""))
    }
}
