import Foundation
import GRDB
import Store

/// `bp verify`: every case's hash chain recomputed from its rows (`EventChain`), and
/// every document's file read back against the SHA-256 its row and its event name.
extension App {
    public struct VerifyReport: Sendable {
        public var cases = 0
        public var events = 0
        public var documents = 0
        /// The first broken link of each case that has one.
        public var breaks: [EventChain.Break] = []
    }

    public func verify(caseID: String? = nil) throws -> VerifyReport {
        var report = VerifyReport()
        try database.read { db in
            let cases = try Row.fetchCursor(
                db, sql: "SELECT id, number FROM cases" + (caseID == nil ? "" : " WHERE id = ?") + " ORDER BY number",
                arguments: caseID.map { [$0] } ?? [])
            while let row = try cases.next() {
                let id: String = row[0]
                let number: Int = row[1]
                report.cases += 1
                if let broken = try EventChain.verify(db, caseID: id, caseNumber: number) {
                    report.breaks.append(broken)
                    continue
                }
                for document in try Row.fetchAll(db, sql: "SELECT id, name, sha256 FROM documents WHERE case_id = ?", arguments: [id]) {
                    report.documents += 1
                    let sha: String = document[2]
                    if Self.fileSHA256(documents.path(sha256: sha)) != sha {
                        report.breaks.append(
                            .init(
                                caseID: id, caseNumber: number, eventID: nil,
                                reason:
                                    "document \(document[0] as String) (\(document[1] as String)): its file is missing or not what was uploaded"
                            ))
                        break
                    }
                }
            }
            report.events =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM events" + (caseID == nil ? "" : " WHERE case_id = ?"),
                    arguments: caseID.map { [$0] } ?? []) ?? 0
        }
        return report
    }
}
