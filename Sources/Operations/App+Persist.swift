import Foundation
import GRDB
import Protection
import Store

extension App {
    /// Writes a transition inside the caller's transaction: the case row, its events,
    /// the uploaded documents (on the event that carries them) and the emails.
    /// The files must already be in the store (`storeDocuments`, before the transaction),
    /// so a committed row always has its file.
    /// Returns the persisted case and the ids of the events appended.
    @discardableResult
    func persist(
        _ transition: Transition, context: CaseContext, uploads: [Upload], uploader: ActorRef,
        db: Database, now: Date, isNew: Bool = false
    ) throws -> (CaseContext, [Int64]) {
        var context = context
        let original = context.record
        context.record.file = transition.file
        context.record.updatedAt = now
        if isNew {
            try context.record.insert(db)
        } else {
            try context.record.save(db, from: original)
        }
        var documentEvent: Int64?
        var eventIDs: [Int64] = []
        // The uploads are attached to the last event that carries documents, and hashed
        // into that event's link of the chain.
        let carrier = transition.events.lastIndex { $0.carriesDocuments }
        for (index, draft) in transition.events.enumerated() {
            let id = try EventRecord.append(
                db, caseID: context.record.id, draft: draft, at: now, documents: index == carrier ? uploads.map(\.sha256) : [])
            eventIDs.append(id)
            if draft.carriesDocuments { documentEvent = id }
        }
        if !uploads.isEmpty {
            guard let eventID = documentEvent else { preconditionFailure("documents uploaded with an event that carries none") }
            try attach(uploads, caseID: context.record.id, eventID: eventID, uploader: uploader, db: db, now: now)
        }
        try NoticeMailer(app: self).enqueue(transition.notices, context: context, db: db, now: now)
        try enqueueWebhooks(for: transition.events, context: context, db: db, now: now)
        return (context, eventIDs)
    }

    func attach(_ uploads: [Upload], caseID: String, eventID: Int64, uploader: ActorRef, db: Database, now: Date) throws {
        for upload in uploads {
            precondition(documents.exists(sha256: upload.sha256), "a document row before its file is in the store")
            let record = DocumentRecord(
                id: Secrets.newID(), caseID: caseID, eventID: eventID, uploader: uploader,
                name: upload.name, contentType: upload.contentType, size: upload.size,
                sha256: upload.sha256, createdAt: now)
            try record.insert(db)
        }
    }

    /// Moves a request's uploads into the document store durably, before the transaction
    /// that refers to them begins: the fsyncs happen outside the write lock, and the
    /// transaction only inserts rows. A transaction that then fails leaves files no row
    /// refers to, which `bp check --repair` removes after a grace period.
    func storeDocuments(_ uploads: [Upload]) throws {
        for upload in uploads { try documents.adopt(temporaryFile: upload.temporaryPath, sha256: upload.sha256) }
    }
}
