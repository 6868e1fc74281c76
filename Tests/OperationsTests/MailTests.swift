import Foundation
import GRDB
import Logging
import Testing
@testable import Mail
@testable import Operations
@testable import Store

@Suite struct MIMETests {
    @Test func messagesHaveTextAndHTMLPartsAndProperHeaders() {
        let message = MIMEMessage(from: "Ochrona Kupującego <no-reply@bp.pl>", to: "anna@example.com", replyTo: nil,
                                  subject: "Sprawa #100001: sklep odpowiedział", date: Date(timeIntervalSince1970: 0),
                                  messageID: "<x@bp.pl>", text: "Zażółć gęślą jaźń", html: "<p>Zażółć</p>").render(boundary: "B")
        #expect(message.contains("Content-Type: multipart/alternative; boundary=\"B\""))
        #expect(message.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(message.contains("Content-Type: text/html; charset=utf-8"))
        #expect(message.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(message.contains("Message-ID: <x@bp.pl>"))
        #expect(message.contains("Subject: =?UTF-8?B?"))
        #expect(message.contains("From: =?UTF-8?B?"))
        #expect(message.allSatisfy { $0.isASCII }, "8-bit text travels encoded")
        #expect(message.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 998 })
    }

    @Test func userTextNeverStartsAHeader() {
        let evil = "Hello\r\nBcc: victim@example.com\nX-Evil: 1"
        let message = MIMEMessage(from: "x@bp.pl", to: "anna@example.com\r\nBcc: spy@example.com", subject: evil,
                                  date: Date(), messageID: "<x@bp.pl>", text: evil, html: evil).render(boundary: "B")
        let headers = message.components(separatedBy: "\r\n\r\n")[0]
        #expect(!headers.contains("\r\nBcc:"))
        #expect(!headers.contains("\r\nX-Evil"))
        #expect(!headers.split(separator: "\r\n").contains { $0.lowercased().hasPrefix("bcc:") })
    }

    @Test func quotedPrintableKeepsLinesShortAndRoundTrips() {
        let long = String(repeating: "ż", count: 200) + " end"
        let encoded = MIMEMessage.quotedPrintable(long)
        #expect(encoded.split(separator: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(!encoded.contains("ż"))
    }
}

@Suite struct DeliveryTests {
    @Test func aFailedDeliveryIsRetriedWithGrowingPausesAndDeliveredOnce() throws {
        let f = try Fixture()
        _ = try f.openCase("N-1")
        let queued = try f.outbox().count
        #expect(queued == 3)
        let transport = FlakyTransport(failures: queued + 1)
        let delivery = f.delivery(transport)
        let first = try delivery.deliverDue(now: { start })
        #expect(first.retrying == queued, "all fail the first time")
        #expect(try delivery.deliverDue(now: { start + 59 }).sent == 0, "not retried before a minute")
        let second = try delivery.deliverDue(now: { start + 61 })
        #expect(second.retrying == 1)
        #expect(second.sent == queued - 1)
        #expect(try delivery.deliverDue(now: { start + 61 + 119 }).sent == 0, "the next pause is two minutes")
        #expect(try delivery.deliverDue(now: { start + 61 + 121 }).sent == 1)
        #expect(MailDelivery.backoff(afterAttempt: 1) == 60)
        #expect(MailDelivery.backoff(afterAttempt: 2) == 120)
        #expect(MailDelivery.backoff(afterAttempt: 20) == 24 * 3600)
        #expect(transport.delivered.count == queued, "every message arrives exactly once")
        #expect(try f.outbox().allSatisfy { $0.state == .sent })
    }

    @Test func aMessageThatNeverGoesThroughIsMarkedFailedAndCanBeRetried() throws {
        let f = try Fixture()
        _ = try f.app.requestSignInLink(email: "anna@example.com", locale: .pl, client: "1.2.3.4")
        let delivery = f.delivery(FlakyTransport(failures: 1000), maxAttempts: 3)
        var now = start
        for _ in 0..<4 {
            let at = now
            _ = try delivery.deliverDue(now: { at })
            now += 2 * 24 * 3600
        }
        let entry = try #require(try f.outbox().first)
        #expect(entry.state == .failed)
        #expect(entry.attempts == 3)
        #expect(entry.lastError?.contains("down") == true)
        #expect(try f.app.retryMail(id: entry.id, viewer: f.agent))
        #expect(throws: NotFound.self) { try f.app.retryMail(id: entry.id, viewer: f.merchant) }
        let working = f.delivery(FlakyTransport(failures: 0))
        let later = now
        #expect(try working.deliverDue(now: { later }).sent == 1)
    }

    @Test func aBudgetStopsDeliveryBetweenBatchesAndTheRestGoesNextTime() throws {
        let f = try Fixture()
        for n in 1...30 { _ = try f.openCase("B-\(n)") }
        let queued = try f.outbox().count
        #expect(queued == 90, "three emails a case")
        let transport = FlakyTransport(failures: 0)
        let delivery = f.delivery(transport)
        let one = try delivery.deliverDue(now: { start }, budget: 0)
        #expect(one.sent == MailDelivery.batchSize, "one batch, then the budget is spent")
        let rest = try delivery.deliverDue(now: { start })
        #expect(rest.sent == queued - MailDelivery.batchSize)
        #expect(transport.delivered.count == queued)
    }

    @Test func theMaildirGetsOneFileAMessageInNew() throws {
        let f = try Fixture()
        _ = try f.openCase("N-1")
        let maildir = MaildirTransport(directory: f.directory + "/mail")
        let delivery = f.delivery(maildir)
        let report = try delivery.deliverDue(now: { start })
        let files = try FileManager.default.contentsOfDirectory(atPath: f.directory + "/mail/new")
        #expect(files.count == report.sent)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory + "/mail/tmp").isEmpty)
        // Delivering the same outbox row again (a crash before it was marked) does not duplicate it.
        let entry = try #require(try f.outbox().first)
        try maildir.deliver("again", to: entry.mail.to, key: "bp\(entry.id)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory + "/mail/new").count == files.count)
    }

    @Test func theSendmailTransportPipesTheMessageAndStopsACommandThatHangs() throws {
        // As every bp command does: the first command exits without reading, and a write
        // to its pipe must fail rather than kill the test process (tests run in parallel,
        // so another test's setting cannot be counted on).
        signal(SIGPIPE, SIG_IGN)
        var template = Array("/tmp/bp-sendmail-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template)!)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/fake-sendmail"
        try """
        #!/bin/sh
        # fails the first time, then stores what it is given
        if [ ! -e \(directory)/tried ]; then touch \(directory)/tried; echo "temporary failure" >&2; exit 75; fi
        cat > \(directory)/out.eml
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let transport = SendmailTransport(commandLine: script + " -t -i", timeout: 5)
        #expect(throws: MailDeliveryError.self) { try transport.deliver("Subject: x\r\n\r\nbody", to: "a@b.pl", key: "1") }
        try transport.deliver("Subject: x\r\n\r\nbody", to: "a@b.pl", key: "1")
        #expect(try String(contentsOfFile: directory + "/out.eml", encoding: .utf8).contains("body"))
        let hanging = directory + "/hang"
        try "#!/bin/sh\nsleep 30\n".write(toFile: hanging, atomically: true, encoding: .utf8)
        chmod(hanging, 0o755)
        let started = Date()
        #expect(throws: MailDeliveryError.self) { try SendmailTransport(commandLine: hanging, timeout: 1).deliver("x", to: "a@b.pl", key: "2") }
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

@Suite struct SendmailPipeTests {
    @Test func aCommandThatExitsWithoutReadingIsAFailureNotACrash() throws {
        signal(SIGPIPE, SIG_IGN)  // as every bp command does
        let transport = SendmailTransport(commandLine: "/bin/false", timeout: 5)
        let big = String(repeating: "x", count: 1_000_000)
        #expect(throws: MailDeliveryError.self) { try transport.deliver(big, to: "a@b.pl", key: "1") }
    }
}

@Suite struct MailEchoTests {
    @Test func aDeliveredEmailIsOneLineWithItsLinks() {
        let line = MailDelivery.consoleLine(
            to: "anna@example.com", subject: "Your sign-in link",
            text: "Hello\n\nSign in:\nhttp://127.0.0.1:8080/login/abc\n\nAgain http://127.0.0.1:8080/login/abc and https://x.example/y\n")
        #expect(line == "mail to anna@example.com: Your sign-in link → http://127.0.0.1:8080/login/abc https://x.example/y")
        #expect(!line.contains("\n"))
        #expect(MailDelivery.consoleLine(to: "a@b.c", subject: "S", text: "no links") == "mail to a@b.c: S")
    }
}
