import Foundation
import GRDB
import Testing

@testable import Protection
@testable import Store

/// `CaseRecord.find` reads a case by column position; it must give the record GRDB's
/// `Row` and `init(row:)` give, with every field set and with every optional one empty.
@Suite struct CaseRecordReadTests {
    @Test func aCaseReadByPositionIsTheCaseReadByName() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.pool.write { db in
            let (_, _, bare) = try insertShopAndCase(db)
            // A second case (of its own protection), written again with every field set.
            var (_, _, full) = try insertShopAndCase(db)
            _ = try full.delete(db)
            let pln = full.file.orderValue.currency
            var file = CaseFile(kind: .claim, reason: .refundMissing, state: .escalated, orderValue: full.file.orderValue, openedAt: now)
            file.merchantDueAt = now + 1.5
            file.customerDueAt = now + 2.25
            file.merchantRemindedAt = now + 3
            file.customerRemindedAt = now + 4
            file.reply = MerchantReply(refund: .yesAfterReturn, amount: Money(minor: 4_200, currency: pln), variant: .b)
            file.repliedAt = now + 5
            file.escalation = .appeal
            file.escalatedAt = now + 6
            file.closure = .serviceDecision
            file.closedAt = now + 7
            file.decision = ServiceDecision(outcome: .guaranteePayout, amount: Money(minor: 3_100, currency: pln), agents: ["a1", "a2"])
            let agent = UserRecord(
                id: Secrets.newID(), role: .agent, shopID: nil, email: "agent@operator.example", passwordHash: "x", locale: .en,
                createdAt: now, owner: false, admin: false)
            try agent.insert(db)
            file.assignedAgentID = agent.id
            file.proposal = PayoutProposal(amount: Money(minor: 2_900, currency: pln), agentID: "a3", text: "why, <so>", at: now + 8)
            file.appeal = Appeal(party: .merchant, at: now + 9, excludedAgents: ["a1"])
            file.returnShipment = ReturnShipment(carrier: .dhl, tracking: "JD0001", sentAt: now + 10)
            file.returnDueAt = now + 11
            file.goodsReceivedAt = now + 12
            file.refundDueAt = now + 13
            file.customerTimeLeft = 86_400.5
            full.file = file
            full.updatedAt = now + 14
            try full.insert(db)
            for record in [bare, full] {
                let byPosition = try #require(try CaseRecord.find(db, id: record.id))
                let byName = try #require(try CaseRecord.fetchOne(db, sql: "SELECT * FROM cases WHERE id = ?", arguments: [record.id]))
                #expect(byPosition == byName)
                #expect(byPosition == record)
            }
            #expect(try CaseRecord.find(db, id: "none") == nil)
        }
    }

    /// Every column the record writes is one `find` reads (but the list's order, which is
    /// derived, and `queued_at`, which the file derives from its escalation).
    @Test func findReadsEveryColumnTheRecordWrites() {
        let read = selectedColumns(CaseRecord.findSQL)
        let written = Set(CaseRecord.updatableColumns + ["id"]).subtracting(["list_rank", "list_key", "queued_at"])
        #expect(read == written)
    }
}

/// `ProtectionRecord.find` reads by position too: the same record as `init(row:)`.
@Suite struct ProtectionReadTests {
    @Test func aProtectionReadByPositionIsTheProtectionReadByName() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.pool.write { db in
            let (_, protection, _) = try insertShopAndCase(db)
            var ended = protection
            ended.reminderSentAt = now + 1.25
            ended.endedAt = now + 2
            ended.state = .completed
            try ended.update(db)
            for record in [protection, ended] {
                try record.update(db)
                let byPosition = try #require(try ProtectionRecord.find(db, id: record.id))
                let byName = try #require(
                    try ProtectionRecord.fetchOne(db, sql: "SELECT * FROM protections WHERE id = ?", arguments: [record.id]))
                #expect(byPosition == byName)
                #expect(byPosition == record)
            }
            #expect(try ProtectionRecord.find(db, id: "none") == nil)
        }
    }

    @Test func findReadsEveryColumnTheRecordWrites() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let read = selectedColumns(ProtectionRecord.findSQL)
        let columns = try database.pool.read { db in try db.columns(in: "protections").map(\.name) }
        #expect(read == Set(columns))
    }
}

/// `CaseContext.load` reads a case, its protection and its shop from one joined row: the
/// same three records as reading each on its own, whatever columns each has set.
@Suite struct CaseContextLoadTests {
    @Test func theJoinedRowHoldsTheThreeRecordsReadOnTheirOwn() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.pool.write { db in
            let (_, _, plain) = try insertShopAndCase(db)
            var (shop, protection, other) = try insertShopAndCase(db)
            shop.insolventAt = now + 1
            shop.country = "DE"
            try shop.update(db)
            protection.reminderSentAt = now + 2
            protection.endedAt = now + 3
            try protection.update(db)
            for record in [plain, other] {
                let context = try #require(try CaseContext.load(db, caseID: record.id))
                #expect(context.record == record)
                #expect(context.record == (try CaseRecord.find(db, id: record.id)))
                #expect(context.protection == (try ProtectionRecord.find(db, id: record.protectionID)))
                #expect(context.shop == (try ShopRecord.find(db, id: record.shopID)))
            }
            #expect(try CaseContext.load(db, caseID: other.id)?.shop == shop)
            #expect(try CaseContext.load(db, caseID: other.id)?.protection == protection)
            #expect(try CaseContext.load(db, caseID: "none") == nil)
        }
    }

    @Test func eachRecordKnowsHowManyColumnsItTakes() {
        #expect(CaseRecord.columnCount == selectedColumns(CaseRecord.findSQL).count)
        #expect(ProtectionRecord.columnCount == selectedColumns(ProtectionRecord.findSQL).count)
        #expect(ShopRecord.columnCount == 10)
    }
}

/// The columns a `SELECT t.a, t.b, t.c FROM …` names, without the table's alias.
private func selectedColumns(_ sql: String) -> Set<String> {
    Set(
        sql.components(separatedBy: "FROM")[0].dropFirst("SELECT".count).split(separator: ",").map {
            let column = $0.trimmingCharacters(in: .whitespacesAndNewlines)
            return column.split(separator: ".").last.map(String.init) ?? column
        })
}

/// Document requests are read by position: every field as written, open ones by case,
/// due ones by deadline, and answered ones no longer either.
@Suite struct DocumentRequestReadTests {
    @Test func requestsReadBackAsWritten() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.pool.write { db in
            let (_, _, record) = try insertShopAndCase(db)
            let event = try EventRecord.append(
                db, caseID: record.id, draft: EventDraft(kind: .note, actor: .system, audience: .agentsOnly, text: "x"), at: now)
            try DocumentRequests.create(
                db, caseID: record.id, eventID: event, party: .merchant, text: "the invoice, <please>", requestedAt: now, dueAt: now + 5)
            try DocumentRequests.create(db, caseID: record.id, eventID: event, party: .customer, text: "", requestedAt: now, dueAt: now + 9)
            let open = try DocumentRequests.open(db, caseID: record.id)
            #expect(open.map(\.party) == [.merchant, .customer])
            let first = try #require(open.first)
            #expect(first.caseID == record.id && first.eventID == event && first.text == "the invoice, <please>")
            #expect(first.requestedAt == now && first.dueAt == now + 5 && first.isOpen)
            #expect(try DocumentRequests.due(db, now: now + 6, limit: 10).map(\.id) == [first.id])
            try DocumentRequests.answer(db, caseID: record.id, party: .merchant, now: now + 1)
            #expect(try DocumentRequests.open(db, caseID: record.id).map(\.party) == [.customer])
            #expect(try DocumentRequests.due(db, now: now + 10, limit: 10).map(\.party) == [.customer])
        }
    }
}
