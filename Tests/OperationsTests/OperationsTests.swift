import Foundation
import GRDB
import Testing
@testable import Operations
@testable import Protection
@testable import Store

/// Actions through the application layer on a real database: what they persist, which
/// emails they queue, and what they refuse.
@Suite struct CaseOperationTests {
    @Test func openingACaseQueuesEmailsForTheCustomerAndEveryShopAddress() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        let mails = try f.outbox()
        #expect(Set(mails.map(\.mail.to)) == ["anna@example.com", "a@shop.pl", "b@shop.pl"])
        #expect(mails.allSatisfy { $0.mail.caseID == id })
        let toShop = try #require(mails.first { $0.mail.to == "a@shop.pl" })
        #expect(toShop.mail.subject.contains("N-1"))
        #expect(toShop.mail.htmlBody.contains("/merchant/cases/\(id)"))
        #expect(toShop.mail.textBody.contains("Brak"), "the customer's message")
        let toCustomer = try #require(mails.first { $0.mail.to == "anna@example.com" })
        #expect(toCustomer.mail.textBody.contains("/login/"), "signs the customer in")
    }

    @Test func aRefusedActionChangesNothingAndSendsNothing() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        let before = try f.outbox().count
        #expect(throws: FormRejection.self) {
            try f.app.reply(caseID: id, viewer: f.merchant, refund: "yes", amount: "999", message: "x", uploads: [])
        }
        #expect(throws: FormRejection.self) {
            try f.app.reply(caseID: id, viewer: f.merchant, refund: "no", amount: nil, message: " ", uploads: [])
        }
        #expect(throws: NotFound.self) { try f.app.reply(caseID: id, viewer: f.anna, refund: "no", amount: nil, message: "x", uploads: []) }
        #expect(throws: NotFound.self) {
            try f.app.reply(caseID: id, viewer: .merchant(userID: "x", shopID: "other"), refund: "no", amount: nil, message: "x", uploads: [])
        }
        #expect(try f.state(id) == .awaitingMerchant)
        #expect(try f.outbox().count == before)
    }

    @Test func aNoteIsNeverInAnEmailOrAPartysTimeline() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        _ = try f.app.sweep(at: start + 5 * day)
        f.clock.set(start + 6 * day)
        _ = try f.app.addNote(caseID: id, viewer: f.agent, text: "TAJNA-NOTATKA")
        _ = try f.app.sendServiceMessage(caseID: id, viewer: f.agent, to: "both", text: "Wiadomość")
        _ = try f.app.decide(caseID: id, viewer: f.agent, outcome: "rejected", amount: nil, text: "Decyzja")
        #expect(try f.outbox().allSatisfy { !$0.mail.textBody.contains("TAJNA") && !$0.mail.htmlBody.contains("TAJNA") })
        try f.app.database.read { (db: Database) throws -> Void in
            for audience in [Audience.customer, .merchant] {
                #expect(try EventRecord.timeline(db, caseID: id, audience: audience).allSatisfy { $0.text != "TAJNA-NOTATKA" })
            }
        }
        #expect(throws: NotFound.self) { try f.app.addNote(caseID: id, viewer: f.merchant, text: "x") }
    }

    @Test func aGuaranteePayoutIsCappedByTheCoverageLimit() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        _ = try f.app.sweep(at: start + 5 * day)
        do {
            _ = try f.app.decide(caseID: id, viewer: f.agent, outcome: "guarantee_payout", amount: "200,01", text: "x")
            Issue.record("a payout above the limit must be refused")
        } catch let rejection as FormRejection {
            #expect(rejection.fields["amount"]?.key == "error_amount_above_coverage")
        }
        #expect(try f.state(id) == .escalated)
        _ = try f.app.decide(caseID: id, viewer: f.agent, outcome: "guarantee_payout", amount: "200,00", text: "Wypłata")
        #expect(try f.state(id) == .closed)
    }

    @Test func insolvencyEscalatesOpenCasesAndTellsCustomersOnce() throws {
        let f = try Fixture()
        let open = try f.openCase("N-1")
        _ = try f.protection("N-2")
        _ = try f.protection("N-3")
        _ = try f.protection("N-4", email: "john@example.com")
        #expect(throws: FormRejection.self) { try f.app.markInsolvent(shopID: f.shop.id, viewer: f.agent, confirmation: "wrong") }
        let report = try f.app.markInsolvent(shopID: f.shop.id, viewer: f.agent, confirmation: "Sklep")
        #expect(report.casesEscalated == 1)
        #expect(report.customersEmailed == 2)
        let record = try f.app.database.read { db in try CaseRecord.find(db, id: open)! }
        #expect(record.file.escalation == .insolvency)
        let next = try f.protection("N-5")
        guard case .caseOpened(let newCase) = try f.app.giveFeedback(protectionID: next.id, viewer: f.anna, option: .notReceived,
                                                                      message: "", uploads: []) else { Issue.record("no case"); return }
        #expect(try f.state(newCase) == .escalated)
        #expect(throws: FormRejection.self) { try f.app.markInsolvent(shopID: f.shop.id, viewer: f.agent, confirmation: "Sklep") }
    }
}

@Suite struct SignInOperationTests {
    @Test func passwordsAreHashedWithASaltAndVerified() throws {
        let a = try Passwords.hash("correct horse", rounds: 1024)
        let b = try Passwords.hash("correct horse", rounds: 1024)
        #expect(a != b)
        #expect(a.hasPrefix("scrypt$"))
        #expect(Passwords.verify("correct horse", against: a))
        #expect(!Passwords.verify("correct hors", against: a))
        #expect(!Passwords.verify("x", against: "garbage"))
    }

    @Test func tooManyLinkRequestsFromOneClientAreSlowedDown() throws {
        let f = try Fixture()
        for i in 0..<10 { #expect(try f.app.requestSignInLink(email: "u\(i)@example.com", locale: .en, client: "9.9.9.9") == .sent) }
        #expect(try f.app.requestSignInLink(email: "x@example.com", locale: .en, client: "9.9.9.9") == .throttled)
        #expect(try f.app.requestSignInLink(email: "x@example.com", locale: .en, client: "8.8.8.8") == .sent)
    }
}

@Suite struct CSVWriterTests {
    @Test func recordsAreRFC4180WithABOMAndFormulaCellsNeutralised() {
        var csv = CSVWriter()
        csv.record(["number", "note"])
        csv.record(["1", "plain"])
        csv.record(["2", "a \"quoted\", comma"])
        csv.record(["3", "line\nbreak"])
        csv.record(["4", "=HYPERLINK(\"http://evil\")"])
        csv.record(["5", "+1"])
        csv.record(["6", "-2"])
        csv.record(["7", "@SUM(A1)"])
        csv.record(["8", "\tTAB"])
        csv.record(["9", "\r=x"])
        csv.record(["10", nil])
        csv.record(["11", "zażółć 🙂"])
        let text = String(decoding: csv.bytes.dropFirst(3), as: UTF8.self)
        #expect(Array(csv.bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(text == """
            number,note\r
            1,plain\r
            2,"a ""quoted"", comma"\r
            3,"line
            break"\r
            4,"'=HYPERLINK(""http://evil"")"\r
            5,"'+1"\r
            6,"'-2"\r
            7,"'@SUM(A1)"\r
            8,"'\tTAB"\r
            9,"'\r=x"\r
            10,\r
            11,zażółć 🙂\r

            """)
        let taken = csv.take()
        #expect(taken.count > 3)
        #expect(csv.bytes.isEmpty)
    }
}
