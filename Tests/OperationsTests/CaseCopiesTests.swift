import Foundation
import GRDB
import Testing
@testable import Operations
@testable import Protection
@testable import Store

/// The facts a case carries as copies (`CaseCopies`) follow their sources through the
/// application's own paths, the queue shows them, and `bp check` finds and repairs a
/// copy that drifted.
@Suite struct CaseCopiesTests {
    func queueLine(_ f: Fixture, _ caseID: String) throws -> QueueListRow? {
        var found: QueueListRow?
        try f.app.database.read { db in
            try CaseListing.queuePage(db, conditions: [], arguments: [1000, 0]) { if $0.id.description == caseID { found = $0 } }
        }
        return found
    }

    func copies(_ f: Fixture, _ caseID: String) throws -> (shopName: String, orderNumber: String, documentsDue: Date?) {
        try f.app.database.read { db in
            let row = try #require(
                try Row.fetchOne(db, sql: "SELECT shop_name, order_number, documents_due_at FROM cases WHERE id = ?", arguments: [caseID]))
            return (row[0], row[1], row[2])
        }
    }

    @Test func aCaseCarriesItsShopsNameAndOrderNumberAndARenameReachesIt() throws {
        let f = try Fixture()
        let other = try f.app.createShop(name: "Inny", emails: ["x@inny.pl"], currency: "PLN", coverageLimit: "200.00", locale: "pl")
        let id = try f.openCase("N-1")
        #expect(try copies(f, id).shopName == "Sklep")
        #expect(try copies(f, id).orderNumber == "N-1")

        let admin = AuditActor(userID: nil, email: "admin@operator.example", client: "test")
        try f.app.editShop(id: f.shop.id, name: "Sklep & Co", emails: "a@shop.pl", coverageLimit: "200.00", locale: "pl", by: admin)
        #expect(try copies(f, id).shopName == "Sklep & Co")
        _ = try f.app.sweep(at: start + 5 * day)
        #expect(try queueLine(f, id)?.shopName.description == "Sklep & Co")

        try f.app.editShop(id: other.id, name: "Inny 2", emails: "x@inny.pl", coverageLimit: "200.00", locale: "pl", by: admin)
        #expect(try copies(f, id).shopName == "Sklep & Co", "another shop's rename leaves the case alone")
        #expect(try f.app.database.read(CaseCopies.drift) == [])
    }

    @Test func theDocumentsDeadlineIsTheNearestOpenRequestsAndLeavesWithIt() throws {
        let f = try Fixture()
        let id = try f.openCase("N-1")
        _ = try f.app.sweep(at: start + 5 * day)
        #expect(try copies(f, id).documentsDue == nil)
        #expect(try queueLine(f, id)?.documentsDue == nil)

        f.clock.set(start + 6 * day)
        _ = try f.app.requestDocuments(caseID: id, viewer: f.agent, from: "customer", text: "Potwierdzenie")
        let customerDue = try #require(try copies(f, id).documentsDue)
        #expect(try queueLine(f, id)?.documentsDue == customerDue)

        f.clock.set(start + 8 * day)
        _ = try f.app.requestDocuments(caseID: id, viewer: f.agent, from: "merchant", text: "Faktura")
        #expect(try copies(f, id).documentsDue == customerDue, "the later request's deadline is not the nearest")
        let merchantDue = try f.app.database.read { db in
            try Date.fetchOne(db, sql: "SELECT due_at FROM document_requests WHERE case_id = ? AND party = 'merchant'", arguments: [id])
        }
        #expect(merchantDue.map { $0 > customerDue } == true)

        f.clock.set(start + 9 * day)
        _ = try f.app.partyMessage(caseID: id, viewer: f.anna, message: "Proszę", uploads: [])
        #expect(try copies(f, id).documentsDue == merchantDue, "the customer's answer leaves the merchant's request")
        #expect(try queueLine(f, id)?.documentsDue == merchantDue)

        #expect(try f.app.sweep(at: try #require(merchantDue)).documentRequestsExpired == 1)
        #expect(try copies(f, id).documentsDue == nil, "an expired request has no deadline left")
        #expect(try queueLine(f, id)?.documentsDue == nil)
        #expect(try f.app.database.read(CaseCopies.drift) == [])
    }

    @Test func aDriftedCopyIsAProblemUntilCheckRepairsIt() throws {
        let f = try Fixture()
        let first = try f.openCase("N-1")
        let second = try f.openCase("N-2")
        #expect(try f.app.check(repair: false).copyDrift.isEmpty)
        try f.app.database.write { db in
            try db.execute(sql: "UPDATE cases SET shop_name = 'Old name' WHERE id = ?", arguments: [first])
            try db.execute(sql: "UPDATE cases SET documents_due_at = '2026-01-01 00:00:00.000', order_number = 'X' WHERE id = ?",
                           arguments: [second])
        }
        let found = try f.app.check(repair: false)
        #expect(Set(found.copyDrift) == [first, second])
        #expect(!found.copiesRepaired)
        #expect(found.problems.contains("2 cases' copied facts drifted"))
        #expect(try f.app.check(repair: false).copyDrift.count == 2, "a check alone changes nothing")

        let repaired = try f.app.check(repair: true)
        #expect(repaired.copyDrift.count == 2)
        #expect(repaired.copiesRepaired)
        #expect(!repaired.problems.contains { $0.contains("copied") })
        #expect(try f.app.check(repair: false).copyDrift.isEmpty)
        #expect(try copies(f, first).shopName == "Sklep")
        #expect(try copies(f, second).orderNumber == "N-2")
        #expect(try copies(f, second).documentsDue == nil)
    }
}
