import GRDB

/// How many cases there are, kept as counts instead of counted per request: per shop,
/// case kind and state (`scope = 'shop'`), per state over all shops (`'state'`), and
/// the review queue's size (`'queue'`: cases with `queued_at`). Triggers on `cases`
/// change them in the transaction that changes the case, whatever code path wrote it;
/// `bp check` recounts them and `bp check --repair` rewrites them. Migration v4 creates
/// the table and triggers from the SQL here: change it only together with a new migration.
public enum Counters {
    static let createTable = """
        CREATE TABLE counters (
            scope TEXT NOT NULL CHECK (scope IN ('shop', 'state', 'queue')),
            shop_id TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT '',
            n INTEGER NOT NULL,
            PRIMARY KEY (scope, shop_id, kind, state)
        ) WITHOUT ROWID
        """

    /// Adds `delta` to one counter when `condition` holds: one UPSERT on the primary key.
    private static func bump(_ key: String, _ delta: String, when condition: String = "true") -> String {
        """
        INSERT INTO counters (scope, shop_id, kind, state, n) SELECT \(key), \(delta) WHERE \(condition)
            ON CONFLICT (scope, shop_id, kind, state) DO UPDATE SET n = n + excluded.n;
        """
    }

    private static func shopKey(_ row: String) -> String { "'shop', \(row).shop_id, \(row).kind, \(row).state" }
    private static func stateKey(_ row: String) -> String { "'state', '', '', \(row).state" }
    private static let queueKey = "'queue', '', '', ''"

    /// A case counts once in its shop's, its state's and (while queued) the queue's counter.
    private static func count(_ row: String, _ delta: String) -> String {
        bump(shopKey(row), delta) + bump(stateKey(row), delta) + bump(queueKey, delta, when: "\(row).queued_at IS NOT NULL")
    }

    /// Updates fire only for the columns a counter depends on, and do nothing unless one
    /// of them really changed (`CaseRecord.save` names only changed columns anyway).
    static let createTriggers = """
        CREATE TRIGGER counters_case_insert AFTER INSERT ON cases BEGIN
        \(count("NEW", "1"))
        END;
        CREATE TRIGGER counters_case_delete AFTER DELETE ON cases BEGIN
        \(count("OLD", "-1"))
        END;
        CREATE TRIGGER counters_case_move AFTER UPDATE OF shop_id, kind, state ON cases
            WHEN OLD.shop_id IS NOT NEW.shop_id OR OLD.kind IS NOT NEW.kind OR OLD.state IS NOT NEW.state BEGIN
        \(bump(shopKey("OLD"), "-1"))
        \(bump(shopKey("NEW"), "1"))
        \(bump(stateKey("OLD"), "-1", when: "OLD.state IS NOT NEW.state"))
        \(bump(stateKey("NEW"), "1", when: "OLD.state IS NOT NEW.state"))
        END;
        CREATE TRIGGER counters_case_queue AFTER UPDATE OF queued_at ON cases
            WHEN (OLD.queued_at IS NULL) != (NEW.queued_at IS NULL) BEGIN
        \(bump(queueKey, "CASE WHEN NEW.queued_at IS NULL THEN -1 ELSE 1 END"))
        END;
        """

    /// Every counter as counted from `cases` (a full scan: for the migration and `bp check`).
    static let recountSQL = """
        SELECT 'shop' AS scope, shop_id, kind, state, COUNT(*) AS n FROM cases GROUP BY shop_id, kind, state
        UNION ALL SELECT 'state', '', '', state, COUNT(*) FROM cases GROUP BY state
        UNION ALL SELECT 'queue', '', '', '', COUNT(*) FROM cases WHERE queued_at IS NOT NULL
        """

    /// Replaces every counter by its recount.
    public static func rewrite(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM counters")
        try db.execute(sql: "INSERT INTO counters (scope, shop_id, kind, state, n) " + recountSQL)
    }

    /// A counter whose stored value differs from the recount (a missing row counts 0).
    public struct Drift: Sendable, Equatable, CustomStringConvertible {
        public var scope: String
        public var shopID: String
        public var kind: String
        public var state: String
        public var stored: Int
        public var counted: Int

        public var description: String {
            let key = [scope, shopID, kind, state].filter { !$0.isEmpty }.joined(separator: " ")
            return "\(key): stored \(stored), counted \(counted)"
        }
    }

    /// The counters that differ from a recount of `cases`.
    public static func drift(_ db: Database) throws -> [Drift] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT scope, shop_id, kind, state, SUM(stored) AS stored, SUM(counted) AS counted FROM (
                        SELECT scope, shop_id, kind, state, n AS stored, 0 AS counted FROM counters
                        UNION ALL SELECT scope, shop_id, kind, state, 0, n FROM (\(recountSQL))
                    ) GROUP BY scope, shop_id, kind, state HAVING SUM(stored) != SUM(counted)
                    ORDER BY scope, shop_id, kind, state
                    """)
        ).map { row in
            Drift(
                scope: row["scope"], shopID: row["shop_id"], kind: row["kind"], state: row["state"],
                stored: row["stored"], counted: row["counted"])
        }
    }
}
