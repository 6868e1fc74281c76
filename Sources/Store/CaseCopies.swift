import GRDB

/// Facts a case carries as copies, so the lists read a line from one index without a
/// look-up per line: its order number (from its protection; it never changes), its
/// shop's name, and the nearest deadline of its open document requests. Triggers keep
/// each copy in the transaction that changes its source, whatever code path wrote it;
/// `bp check` compares them with their sources and `bp check --repair` rewrites them.
/// A case never moves to another shop or protection, so only the sources are watched.
/// Migration v20 creates the triggers from the SQL here: change it only together with a
/// new migration.
public enum CaseCopies {
    /// The nearest deadline of the open document requests of the case `caseID` names.
    private static func documentsDue(_ caseID: String) -> String {
        "SELECT MIN(due_at) FROM document_requests WHERE case_id = \(caseID) AND answered_at IS NULL AND expired_at IS NULL"
    }

    private static func refreshDocumentsDue(_ caseID: String) -> String {
        "UPDATE cases SET documents_due_at = (\(documentsDue(caseID))) WHERE id = \(caseID);"
    }

    private static func orderNumber(_ protectionID: String) -> String {
        "coalesce((SELECT order_number FROM protections WHERE id = \(protectionID)), '')"
    }

    private static func shopName(_ shopID: String) -> String {
        "coalesce((SELECT name FROM shops WHERE id = \(shopID)), '')"
    }

    static let createTriggers = """
        CREATE TRIGGER cases_copied_facts AFTER INSERT ON cases BEGIN
            UPDATE cases SET order_number = \(orderNumber("NEW.protection_id")), shop_name = \(shopName("NEW.shop_id"))
            WHERE rowid = NEW.rowid;
        END;
        CREATE TRIGGER cases_shop_renamed AFTER UPDATE OF name ON shops WHEN OLD.name IS NOT NEW.name BEGIN
            UPDATE cases SET shop_name = NEW.name WHERE shop_id = NEW.id;
        END;
        CREATE TRIGGER cases_documents_requested AFTER INSERT ON document_requests BEGIN
            \(refreshDocumentsDue("NEW.case_id"))
        END;
        CREATE TRIGGER cases_documents_changed AFTER UPDATE OF case_id, due_at, answered_at, expired_at ON document_requests BEGIN
            \(refreshDocumentsDue("OLD.case_id"))
            \(refreshDocumentsDue("NEW.case_id"))
        END;
        CREATE TRIGGER cases_documents_removed AFTER DELETE ON document_requests BEGIN
            \(refreshDocumentsDue("OLD.case_id"))
        END;
        """

    /// Whether case `c`'s copies differ from their sources.
    private static let drifted = """
        c.order_number IS NOT \(orderNumber("c.protection_id")) OR c.shop_name IS NOT \(shopName("c.shop_id"))
            OR c.documents_due_at IS NOT (\(documentsDue("c.id")))
        """

    /// The cases whose copies differ from their sources (a full scan: for `bp check`).
    public static func drift(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT c.id FROM cases c WHERE \(drifted) ORDER BY c.number")
    }

    /// Rewrites every drifted case's copies from their sources.
    public static func rewrite(_ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE cases AS c SET order_number = \(orderNumber("c.protection_id")), shop_name = \(shopName("c.shop_id")),
                    documents_due_at = (\(documentsDue("c.id")))
                WHERE \(drifted)
                """)
    }
}
