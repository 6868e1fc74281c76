import Foundation
import GRDB
import Testing
@testable import Protection
@testable import Store

func temporaryDirectory() -> String {
    var template = Array("/tmp/bp-store-XXXXXX".utf8CString)
    return String(cString: mkdtemp(&template)!)
}

func migratedDatabase() throws -> (AppDatabase, String) {
    let directory = temporaryDirectory()
    let database = try AppDatabase(path: directory + "/bp.sqlite")
    try database.migrate()
    return (database, directory)
}

let now = Date(timeIntervalSince1970: 1_795_000_000)

func insertShopAndCase(_ db: Database) throws -> (ShopRecord, ProtectionRecord, CaseRecord) {
    let pln = Currency(code: "PLN")!
    let shop = ShopRecord(id: Secrets.newID(), name: "Shop", notificationEmails: ["a@shop.pl", "b@shop.pl"], currency: pln,
                          coverageLimit: Money(minor: 250_000, currency: pln), locale: .pl, apiKeyHash: Secrets.hash("k" + Secrets.newID()),
                          createdAt: now)
    try shop.insert(db)
    let protection = ProtectionRecord(id: Secrets.newID(), shopID: shop.id, orderNumber: "N-\(Secrets.newID().prefix(6))", orderDate: now,
                                      value: Money(minor: 10_000, currency: pln), customerEmail: "anna@example.com", locale: .pl,
                                      state: .claimed, activatedAt: now, expiresAt: now + 30 * 86_400, reminderAt: now + 23 * 86_400)
    try protection.insert(db)
    let file = CaseFile(kind: .claim, reason: .notReceived, state: .awaitingMerchant, orderValue: protection.value, openedAt: now)
    let record = CaseRecord(id: Secrets.newID(), number: try CaseRecord.nextNumber(db), protectionID: protection.id, shopID: shop.id,
                            customerEmail: protection.customerEmail, file: file, updatedAt: now)
    try record.insert(db)
    return (shop, protection, record)
}

@Suite struct SchemaTests {
    @Test func migratingTwiceIsHarmlessAndRecordsRoundTrip() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.migrate()
        #expect(try database.isMigrated())
        let (shop, protection, record) = try database.write { db in try insertShopAndCase(db) }
        try database.read { (db: Database) throws -> Void in
            #expect(try ShopRecord.find(db, id: shop.id) == shop)
            #expect(try ProtectionRecord.find(db, id: protection.id) == protection)
            #expect(try CaseRecord.find(db, id: record.id) == record)
        }
        let journal = try database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test func eventsAreAppendOnly() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.write { (db: Database) throws -> Void in
            let (_, _, record) = try insertShopAndCase(db)
            let id = try EventRecord.append(db, caseID: record.id, draft: EventDraft(kind: .note, actor: .agent("a"), audience: .agentsOnly,
                                                                                   text: "secret"), at: now)
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE events SET text = 'changed' WHERE id = ?", arguments: [id]) }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM events WHERE id = ?", arguments: [id]) }
            #expect(try EventRecord.timeline(db, caseID: record.id, audience: .customer).isEmpty, "internal notes are not in the customer's timeline")
            #expect(try EventRecord.timeline(db, caseID: record.id, audience: .agent).first?.text == "secret")
        }
    }

    @Test func aProtectionHasAtMostOneCase() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.write { (db: Database) throws -> Void in
            let (_, _, record) = try insertShopAndCase(db)
            var second = record
            second.id = Secrets.newID()
            second.number += 1
            #expect(throws: DatabaseError.self) { try second.insert(db) }
        }
    }
}

@Suite struct OutboxTests {
    func mail(_ key: String? = nil) -> OutgoingMail {
        OutgoingMail(kind: "test", caseID: nil, to: "a@b.pl", locale: "pl", subject: "S", textBody: "T", htmlBody: "<p>H</p>", dedupeKey: key)
    }

    @Test func aDedupeKeyQueuesOnce() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.write { (db: Database) throws -> Void in
            #expect(try Outbox.enqueue(db, mail("reminder:1"), now: now, messageDomain: "test"))
            #expect(try !Outbox.enqueue(db, mail("reminder:1"), now: now, messageDomain: "test"))
            #expect(try Outbox.enqueue(db, mail(), now: now, messageDomain: "test"))
            #expect(try Outbox.enqueue(db, mail(), now: now, messageDomain: "test"))
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") == 3)
        }
    }

    @Test func aClaimedMessageIsLeasedUntilMarkedOrTheLeaseRunsOut() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.write { (db: Database) throws -> Void in
            try Outbox.enqueue(db, mail(), now: now, messageDomain: "test")
            let first = try Outbox.claimDue(db, now: now, limit: 10, lease: 600)
            #expect(first.count == 1)
            #expect(try Outbox.claimDue(db, now: now + 1, limit: 10, lease: 600).isEmpty, "leased to the first worker")
            #expect(try Outbox.claimDue(db, now: now + 601, limit: 10, lease: 600).count == 1, "a dead worker's lease runs out")
            try Outbox.markFailed(db, id: first[0].id, error: "down", retryAfter: 60, now: now + 601)
            #expect(try Outbox.claimDue(db, now: now + 650, limit: 10, lease: 600).isEmpty)
            let retried = try Outbox.claimDue(db, now: now + 661, limit: 10, lease: 600)
            #expect(retried.first?.attempts == 2)
            try Outbox.markSent(db, id: first[0].id, now: now + 662)
            #expect(try Outbox.claimDue(db, now: now + 100_000, limit: 10, lease: 600).isEmpty)
            #expect(try Outbox.find(db, id: first[0].id)?.state == .sent)
        }
    }
}

@Suite struct SignInStoreTests {
    @Test func formLinksWorkOnceAndCaseLinksUntilTheyExpire() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.write { (db: Database) throws -> Void in
            let once = try LoginTokens.create(db, email: "a@b.pl", lifetime: 1800, reusable: false, now: now)
            #expect(try LoginTokens.redeem(db, token: once, now: now + 10) == "a@b.pl")
            #expect(try LoginTokens.redeem(db, token: once, now: now + 20) == nil)
            let late = try LoginTokens.create(db, email: "a@b.pl", lifetime: 1800, reusable: false, now: now)
            #expect(try LoginTokens.redeem(db, token: late, now: now + 1800) == nil)
            let reusable = try LoginTokens.create(db, email: "a@b.pl", lifetime: 86_400, reusable: true, now: now)
            #expect(try LoginTokens.redeem(db, token: reusable, now: now + 10) == "a@b.pl")
            #expect(try LoginTokens.redeem(db, token: reusable, now: now + 20) == "a@b.pl")
            #expect(try LoginTokens.redeem(db, token: "unknown", now: now) == nil)
            let stored = try String.fetchAll(db, sql: "SELECT token_hash FROM login_tokens")
            #expect(!stored.contains(once), "only hashes are stored")
        }
    }

    @Test func sessionsExpireAndAreStoredHashed() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.write { (db: Database) throws -> Void in
            let token = try Sessions.create(db, viewer: .customer(email: "a@b.pl"), now: now)
            #expect(try Sessions.viewer(db, token: token, now: now + 60)?.viewer == .customer(email: "a@b.pl"))
            #expect(try Sessions.viewer(db, token: token, now: now + Sessions.lifetime) == nil)
            #expect(try String.fetchOne(db, sql: "SELECT id_hash FROM sessions") == Secrets.hash(token))
            try Sessions.delete(db, token: token)
            #expect(try Sessions.viewer(db, token: token, now: now + 60) == nil)
        }
    }

    @Test func failuresAreCountedPerAccountAndPerClient() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.write { (db: Database) throws -> Void in
            for i in 0..<10 { try SignInThrottle.recordFailure(db, account: "acct", client: "10.0.0.\(i)", now: now) }
            #expect(try SignInThrottle.isBlocked(db, account: "acct", client: "10.9.9.9", now: now + 1))
            #expect(try !SignInThrottle.isBlocked(db, account: "other", client: "10.9.9.9", now: now + 1))
            #expect(try !SignInThrottle.isBlocked(db, account: "acct", client: "x", now: now + SignInThrottle.window + 1), "15 minutes later")
            for i in 0..<10 { try SignInThrottle.recordFailure(db, account: "acct\(i)", client: "1.2.3.4", now: now) }
            #expect(try SignInThrottle.isBlocked(db, account: "fresh", client: "1.2.3.4", now: now + 1))
        }
    }
}

@Suite struct DocumentStoreTests {
    @Test func contentIsStoredOnceUnderItsHash() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = DocumentStore(dataDirectory: directory)
        try store.prepare()
        let hash = String(repeating: "ab", count: 32)
        for _ in 0..<2 {
            let upload = store.incoming + "/" + Secrets.newID()
            FileManager.default.createFile(atPath: upload, contents: Data("same".utf8))
            try store.adopt(temporaryFile: upload, sha256: hash)
            #expect(!FileManager.default.fileExists(atPath: upload))
        }
        #expect(DocumentStore.relativePath(sha256: hash) == "ab/ab/" + hash)
        #expect(store.exists(sha256: hash))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/ab/ab").count == 1)
    }

    @Test func idsAndTokensAreUnguessableAndURLSafe() {
        let ids = (0..<1000).map { _ in Secrets.newID() }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { Secrets.looksLikeToken($0, length: Secrets.idLength) })
        #expect(Secrets.looksLikeToken(Secrets.newToken(), length: Secrets.tokenLength))
        let bytes = Secrets.randomBytes(4096)
        #expect(Set(bytes).count > 200, "every byte value turns up in 4 KB of random bytes")
        #expect(Secrets.hex([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Secrets.hex([0x00, 0x0f, 0xa5, 0xff].lazy.map { $0 }) == "000fa5ff", "a sequence that is not contiguous")
        #expect(Secrets.hex([UInt8]()) == "")
        #expect(Secrets.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256 of abc, a digest")
    }
}

@Suite struct CaseRowTests {
    @Test func theUpdateWritesEveryChangedColumn() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database.write { (db: Database) throws -> Void in
            let (_, _, record) = try insertShopAndCase(db)
            #expect(Set(try record.databaseDictionary.keys) == Set(CaseRecord.updatableColumns + ["id"]))
            var changed = record
            changed.file.state = .escalated
            changed.file.escalation = .merchantNoResponse
            changed.file.escalatedAt = now + 60
            changed.file.assignedAgentID = nil
            changed.updatedAt = now + 60
            try changed.save(db, from: record)
            #expect(try CaseRecord.find(db, id: record.id) == changed)
            var closed = changed
            closed.file.state = .closed
            closed.file.closure = .serviceDecision
            closed.file.closedAt = now + 120
            closed.updatedAt = now + 120
            try closed.save(db, from: changed)
            #expect(try CaseRecord.find(db, id: record.id) == closed, "a column set back to NULL is written too")
            try closed.save(db, from: closed)
            #expect(try CaseRecord.find(db, id: record.id) == closed, "nothing changed, nothing written")
        }
    }

    /// The records write dates through StoredDate instead of GRDB's DateFormatter: the
    /// text must be GRDB's to the millisecond, or comparisons with dates GRDB binds
    /// (`merchant_due_at <= ?`) would shift at the edges.
    @Test func storedDatesAreWrittenExactlyAsGRDBWritesThem() {
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -0.0005),
                     Date(timeIntervalSince1970: 951_782_400), now, now + 0.999_9, now - 0.000_1, Date(timeIntervalSinceReferenceDate: 0.0005),
                     Date(timeIntervalSince1970: 253_402_300_799.999), Date(timeIntervalSince1970: -62_135_596_800)]
        for _ in 0..<20_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...4_102_444_800, using: &generator)))
            dates.append(Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &generator)) / 1000))
        }
        for date in dates {
            #expect(StoredDate(date).databaseValue == date.databaseValue, "\(date.timeIntervalSince1970)")
        }
    }

    /// Dates are read back by arithmetic instead of GRDB's Calendar: to the same Date,
    /// bit for bit, or a deadline read from the database would move at its edge.
    @Test func storedDatesAreReadExactlyAsGRDBReadsThem() {
        var generator = SystemRandomNumberGenerator()
        var texts = ["2026-11-25 10:30:00.123", "2000-02-29 23:59:59.999", "1970-01-01 00:00:00.000", "1583-01-01 00:00:00.001",
                     "2026-02-30 12:00:00.000", "9999-12-31 23:59:59.999", "2026-11-25 10:30:00", "2026-11-25", "2026-11-25T10:30:00.123Z"]
        // Text of the right length that is not the stored form, each byte wrong in turn:
        // a separator, a digit, a byte past the digits, one with its high bit set.
        let stored = Array("2026-11-25 10:30:00.123".utf8)
        for index in stored.indices {
            for wrong: UInt8 in [0x2F, 0x3A, 0x3F, 0x2D, 0x20, 0x2E, 0x41, 0xB0, 0xFA, 0x00] where wrong != stored[index] {
                var bytes = stored
                bytes[index] = wrong
                texts.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        for _ in 0..<50_000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -12_000_000_000_000...4_102_444_800_000, using: &generator)) / 1000)
            texts.append(StoredDate.text(date))
        }
        for text in texts {
            #expect(StoredDate.parse(text) == Date.fromDatabaseValue(text.databaseValue), "\(text)")
        }
        #expect(StoredDate.parse(nil) == nil)
    }

    /// The shop API writes a stored date from its text (`StoredDate.isoText`): the same text
    /// as reading the Date and writing it in ISO 8601, and nothing for text it leaves to that.
    @Test func storedDatesBecomeTheAPIsTextAsTheirDatesWouldBeWritten() {
        var generator = SystemRandomNumberGenerator()
        var texts = ["2026-11-25 10:30:00.123", "2000-02-29 23:59:59.999", "1970-01-01 00:00:00.000", "1583-01-01 00:00:00.001",
                     "9999-12-31 23:59:59.999", "2026-11-25 10:30:59.999"]
        for _ in 0..<50_000 {
            // 1583-01-01 to 9999-12-31, to the millisecond.
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -12_212_553_600_000...253_402_300_799_000, using: &generator)) / 1000)
            texts.append(StoredDate.text(date))
        }
        func iso(_ text: String) -> String? { Array(text.utf8).withUnsafeBufferPointer { StoredDate.isoText($0) }?.string }
        for text in texts {
            #expect(iso(text) != nil && iso(text) == StoredDate.parse(text).map(ISO8601.string), "\(text)")
        }
        for text in ["2026-02-30 12:00:00.000", "2026-11-25 10:30:00", "2026-11-25", "2026-11-25T10:30:00.123Z", "1582-12-31 23:59:59.999",
                     "2026-13-01 00:00:00.000", "2026-11-25 24:00:00.000", "2026-11-25 10:30:00.12x"] {
            #expect(iso(text) == nil, "\(text) is left to the Date")
        }
    }
}

/// Every list, queue, dashboard, session and outbox query finds its rows through an
/// index: checked with EXPLAIN QUERY PLAN for a full scan of a table that grows.
@Suite struct QueryPlanTests {
    static let large = ["cases", "protections", "events", "sessions", "outbox", "documents", "document_requests", "login_tokens",
                        "counters"]

    @Test(arguments: ListSQL.planned.map(\.name))
    func theQueryUsesAnIndex(name: String) throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let query = try #require(ListSQL.planned.first { $0.name == name })
        let plan = try database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query.sql,
                             arguments: StatementArguments(Array(repeating: 1, count: query.arguments))).map { $0["detail"] as String }
        }
        for line in plan where line.hasPrefix("SCAN ") {
            let table = line.dropFirst(5).split(separator: " ").first.map(String.init) ?? ""
            let scanned = ["c": "cases", "p": "protections", "e": "events", "s": "shops", "d": "documents", "u": "users"][table] ?? table
            #expect(!Self.large.contains(scanned) || line.contains("USING"), "\(name): \(line) in \(plan)")
        }
    }
}

/// Upgrades keep every row: a database made by the first schema, with a row in each
/// table, migrated to the current one.
@Suite struct MigrationTests {
    @Test func aFirstSchemaDatabaseUpgradesWithEveryRow() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try AppDatabase(path: directory + "/bp.sqlite")
        try Schema.migrator.migrate(database.pool, upTo: "v1")
        let counts = try database.write { db -> [String: Int] in
            try db.execute(sql: """
                INSERT INTO shops VALUES ('s1', 'Shop', 'a@shop.pl', 'PLN', 250000, 'pl', 'keyhash', NULL, '2026-01-01 00:00:00.000');
                INSERT INTO users VALUES ('u1', 'merchant', 's1', 'm@shop.pl', 'scrypt$x', 'en', '2026-01-01 00:00:00.000');
                INSERT INTO sessions VALUES ('h1', 'merchant', 'u1', NULL, '2026-01-01 00:00:00.000', '2030-01-01 00:00:00.000');
                INSERT INTO login_tokens VALUES ('t1', 'anna@example.com', 0, '2026-01-01 00:00:00.000', '2030-01-01 00:00:00.000', NULL);
                INSERT INTO sign_in_failures (account, client, at) VALUES ('a', 'c', '2026-01-01 00:00:00.000');
                INSERT INTO protections VALUES ('p1', 's1', 'N-1', '2026-01-01 00:00:00.000', 1000, 'PLN', 'anna@example.com', 'pl',
                    'claimed', '2026-01-01 00:00:00.000', '2026-01-31 00:00:00.000', '2026-01-24 00:00:00.000', NULL, NULL);
                INSERT INTO cases (id, number, kind, protection_id, shop_id, customer_email, reason, state, amount_minor, currency, opened_at,
                    merchant_due_at, list_rank, list_key, updated_at)
                    VALUES ('c1', 100001, 'claim', 'p1', 's1', 'anna@example.com', 'not_received', 'awaiting_merchant', 1000, 'PLN',
                    '2026-01-02 00:00:00.000', '2026-01-07 00:00:00.000', 0, 1767744000, '2026-01-02 00:00:00.000');
                INSERT INTO events (case_id, at, actor_kind, actor_id, kind, audience, text, data)
                    VALUES ('c1', '2026-01-02 00:00:00.000', 'customer', 'anna@example.com', 'case_opened', 7, 'Brak', '{}');
                INSERT INTO documents VALUES ('d1', 'c1', 1, 'customer', NULL, 'a.pdf', 'application/pdf', 9, 'abc', '2026-01-02 00:00:00.000');
                INSERT INTO document_requests (case_id, event_id, party, text, requested_at, due_at)
                    VALUES ('c1', 1, 'merchant', 'x', '2026-01-02 00:00:00.000', '2026-01-09 00:00:00.000');
                INSERT INTO outbox (created_at, kind, case_id, to_address, locale, subject, text_body, html_body, message_id, next_attempt_at)
                    VALUES ('2026-01-02 00:00:00.000', 'case_opened_customer', 'c1', 'anna@example.com', 'pl', 'S', 'T', 'H', '<m@x>',
                    '2026-01-02 00:00:00.000');
                INSERT INTO api_idempotency VALUES ('s1', 'k', 'h', 201, '{}', '2026-01-02 00:00:00.000');
                INSERT INTO worker_passes VALUES ('sweeper', '2026-01-02 00:00:00.000');
                """)
            var counts: [String: Int] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'") {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"")
            }
            return counts
        }
        #expect(counts.values.allSatisfy { $0 == 1 }, "a row in every table: \(counts)")
        try database.migrate()
        #expect(try database.isMigrated())
        try database.read { (db: Database) throws -> Void in
            for (table, count) in counts {
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\"") == count, "\(table) keeps its rows")
            }
            #expect(try CaseRecord.find(db, id: "c1")?.file.state == .awaitingMerchant)
            #expect(try Counters.drift(db) == [], "the counters are filled from the cases there are")
            #expect(try CaseListing.openCounts(db, shopID: "s1") == [.awaitingMerchant: 1])
            let mail = try OutboxEntry.fetchOne(db, sql: "SELECT * FROM outbox")
            #expect(mail?.mail.isWorded == true, "a mail queued worded before the upgrade is delivered as it is")
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            #expect(try EventChain.verify(db, caseID: "c1", caseNumber: 100001) == nil, "events written before are chained")
            #expect(try EventChain.head(db, caseID: "c1")?.count == 64)
        }
    }
}

@Suite struct EventDataTests {
    /// Event payloads are read by a small reader for the shape the encoder writes, and by
    /// JSONDecoder otherwise: the two agree on whatever the encoder writes.
    @Test func eventDataReadsAsJSONDecoderReadsIt() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc xyz_0123456789ążł\"\\/\n\t{}:,€🙂".unicodeScalars)
        var samples: [[String: String]] = [[:], ["amount": "24999"], ["refund": "yes", "amount": "1", "reason": "not_received"]]
        for _ in 0..<3000 {
            var data: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                func text() -> String {
                    String(String.UnicodeScalarView((0..<Int.random(in: 0...8, using: &generator)).map { _ in
                        alphabet.randomElement(using: &generator)! }))
                }
                data[text()] = text()
            }
            samples.append(data)
        }
        for data in samples {
            let text = String(decoding: try sortedKeysEncoder.encode(data), as: UTF8.self)
            #expect(EventRecord.decodeData(text) == data, "\(text)")
        }
        for odd in ["", "{", "[]", "{\"a\":1}", "{ \"a\" : \"b\" }", "{\"a\":\"b\",}", "{\"a\":\"b\"}x", "{\"a\":\"b\",\"a\":\"c\"}"] {
            let expected = (try? JSONDecoder().decode([String: String].self, from: Data(odd.utf8))) ?? [:]
            #expect(EventRecord.decodeData(odd) == expected, "\(odd)")
        }
    }
}

@Suite struct DurabilitySettingTests {
    /// GRDB turns a pool's writer to NORMAL when it enables WAL; the product's default
    /// must survive that, and the operator's choice too.
    @Test func theWriterCommitsWithFullSyncUnlessTheOperatorChoseNormal() throws {
        for (mode, expected) in [(AppDatabase.Synchronous.full, 2), (.normal, 1)] {
            let directory = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let database = try AppDatabase(path: directory + "/bp.sqlite", synchronous: mode)
            let value = try database.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            #expect(value == expected, "\(mode)")
        }
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try AppDatabase(path: directory + "/bp.sqlite")
        #expect(try database.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
    }
}

@Suite struct GroupCommitTests {
    struct Refused: Error, Equatable { let n: Int }

    /// Eight threads writing at once: every write that did not throw is committed, every
    /// one that threw is rolled back alone and gets its own error, and the writes shared
    /// fewer commits than there were writes.
    @Test func concurrentWritesShareCommitsAndFailAlone() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try AppDatabase(path: directory + "/bp.sqlite")
        try database.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY, thread INTEGER)") }
        let before = database.groupCommit.commits
        // Each thread keeps its own outcomes and hands them over under a lock: threads
        // appending to one shared array would race on its storage.
        let lock = NSLock()
        nonisolated(unsafe) var byThread: [Int: [Result<Int, Refused>]] = [:]
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var mine: [Result<Int, Refused>] = []
            defer { lock.withLock { byThread[thread] = mine } }
            for i in 0..<60 {
                let n = thread * 1000 + i
                do {
                    let value = try database.write { db -> Int in
                        try db.execute(sql: "INSERT INTO t (n, thread) VALUES (?, ?)", arguments: [n, thread])
                        // Every seventh write fails after it wrote: its row must not stay.
                        if n % 7 == 0 { throw Refused(n: n) }
                        // Hold the transaction a moment so others queue up behind it.
                        usleep(200)
                        return n
                    }
                    mine.append(.success(value))
                } catch let refused as Refused {
                    mine.append(.failure(refused))
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
        let stored = Set(try database.read { db in try Int.fetchAll(db, sql: "SELECT n FROM t") })
        var expected = Set<Int>()
        for thread in 0..<8 {
            let results = byThread[thread] ?? []
            #expect(results.count == 60)
            for (i, result) in results.enumerated() {
                let n = thread * 1000 + i
                switch result {
                case .success(let value):
                    #expect(value == n)
                    #expect(n % 7 != 0)
                    expected.insert(n)
                case .failure(let refused):
                    #expect(refused == Refused(n: n), "each write gets its own error")
                }
            }
        }
        #expect(stored == expected, "committed exactly the writes that succeeded")
        #expect(database.groupCommit.commits - before <= 480)
    }

    /// Writes that arrive while another holds the transaction wait and then share one
    /// commit: one slow write, five behind it, two commits.
    @Test func writesQueuedBehindASlowOneShareTheNextCommit() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try AppDatabase(path: directory + "/bp.sqlite")
        try database.write { db in try db.execute(sql: "CREATE TABLE v (n INTEGER)") }
        let before = database.groupCommit.commits
        // Threads of their own, as bp serve's are (GCD's pool on 2 cores would run the
        // five one after another and nothing would ever wait together).
        let slowStarted = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        func onThread(_ body: @escaping @Sendable () -> Void) {
            group.enter()
            Thread {
                body()
                group.leave()
            }.start()
        }
        onThread {
            try? database.write { db in
                try db.execute(sql: "INSERT INTO v VALUES (0)")
                slowStarted.signal()
                usleep(300_000)
            }
        }
        slowStarted.wait()
        for n in 1...5 { onThread { try? database.write { db in try db.execute(sql: "INSERT INTO v VALUES (?)", arguments: [n]) } } }
        group.wait()
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM v") } == 6)
        #expect(database.groupCommit.commits - before == 2, "the slow write alone, then the five together")
        #expect(database.groupCommit.transactions >= 6)
    }

    /// A write that breaks a constraint inside a shared batch loses only its own statement.
    @Test func aConstraintErrorInABatchRollsBackThatWriteAlone() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try AppDatabase(path: directory + "/bp.sqlite")
        try database.write { db in try db.execute(sql: "CREATE TABLE u (k TEXT PRIMARY KEY)") }
        nonisolated(unsafe) var failures = 0
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for i in 0..<40 {
                do {
                    try database.write { db in
                        try db.execute(sql: "INSERT INTO u (k) VALUES (?)", arguments: ["\(thread)-\(i)"])
                        try db.execute(sql: "INSERT INTO u (k) VALUES (?)", arguments: ["shared-\(i)"])
                    }
                } catch {
                    lock.withLock { failures += 1 }
                }
            }
        }
        let keys = try database.read { db in try String.fetchAll(db, sql: "SELECT k FROM u") }
        #expect(keys.filter { $0.hasPrefix("shared-") }.count == 40)
        // Of each i, one thread's write won; the other seven rolled back both inserts.
        #expect(keys.count == 40 * 2)
        #expect(failures == 40 * 7)
    }
}

@Suite struct EventChainTests {
    /// Every field of an event is in its link: changing any one changes the hash.
    @Test func eachFieldChangesTheLink() {
        let base = EventChain.Content(
            caseID: "c", at: "2026-01-01 00:00:00.000", actorKind: "customer", actorID: "a@b.c", kind: "case_opened", audience: 7,
            text: "x", data: "{}", documents: ["h1", "h2"])
        let hash = EventChain.link(previous: nil, base)
        var variants: [EventChain.Content] = []
        for change in 0..<9 {
            var v = base
            switch change {
            case 0: v.caseID = "d"
            case 1: v.at = "2026-01-01 00:00:00.001"
            case 2: v.actorKind = "merchant"
            case 3: v.actorID = nil
            case 4: v.kind = "closed"
            case 5: v.audience = 3
            case 6: v.text = nil
            case 7: v.data = "{\"a\":1}"
            default: v.documents = ["h1"]
            }
            variants.append(v)
        }
        for v in variants { #expect(EventChain.link(previous: nil, v) != hash) }
        #expect(EventChain.link(previous: "p", base) != hash, "the previous link counts")
        var reordered = base
        reordered.documents = ["h2", "h1"]
        #expect(EventChain.link(previous: nil, reordered) == hash, "documents are a set")
        // Length prefixes: moving text from one field to the next is not the same event.
        var shifted = base
        shifted.text = "x;"
        shifted.data = "}"
        #expect(EventChain.link(previous: nil, shifted) != hash)
    }
}

/// `AppDatabase.sharingReads`: a page's reads share one snapshot; a write on the thread
/// ends it, so what the page wrote is what it reads next.
@Suite struct SharedReadTests {
    @Test func readsInAScopeShareOneSnapshotUntilTheThreadWrites() throws {
        let (database, directory) = try migratedDatabase()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func count() throws -> Int { try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shops") ?? -1 } }
        _ = try database.write { db in try insertShopAndCase(db) }
        // Another writer on the same file, as bp worker or bp tick would be.
        let other = try DatabaseQueue(path: directory + "/bp.sqlite")
        try database.sharingReads {
            #expect(try count() == 1)
            _ = try other.write { db in try insertShopAndCase(db) }
            #expect(try count() == 1, "the scope's snapshot")
            _ = try database.write { db in try insertShopAndCase(db) }
            #expect(try count() == 3, "after this thread's write: a new snapshot with both")
            _ = try other.write { db in try insertShopAndCase(db) }
            #expect(try count() == 3, "and that one is kept in turn")
        }
        #expect(try count() == 4, "after the scope, each read sees the latest commit")
        // No transaction is left open: a checkpoint can take the whole WAL back.
        let result = try other.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        #expect(result.walFrameCount == result.checkpointedFrameCount)
    }
}
