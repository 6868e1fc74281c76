import Crypto
import Foundation
import GRDB
import Mail
import Protection
import Rendering
import Store

/// `bp mail-in`: a reply to one of our emails, as the MTA hands it over, lands on the
/// case it answers. The signed address decides the case and the party; the `From` must
/// also be that party's; auto-replies and bounces are dropped; the same Message-ID
/// twice is handled once. What happens then depends on the case:
///
/// - a claim with the service team (escalated): the party's message, with the
///   attachments as its documents, answering the team's open document requests;
/// - an inquiry still open: the customer's follow-up;
/// - a reply to the day-23 email: an "other matter" inquiry;
/// - anything that needs a choice an email cannot carry (the shop's refund answer, the
///   customer's answer) or a closed case: kept on the timeline as written, and the
///   sender is answered with a link to the form (at most 5 such answers an hour to one
///   address, so two auto-responders cannot loop through us).
extension App {
    public enum MailInResult: Sendable, Equatable {
        case posted(caseID: String)
        case kept(caseID: String, answered: Bool)
        case inquiryOpened(caseID: String)
        /// The `From` is not the party's: recorded for the service team, nothing posted.
        case unverified
        /// From the party but nowhere to post (the protection ended): for the service team.
        case unroutable(reason: String)
        case dropped(AutomaticMail.Kind)
        case duplicate
        /// None of the recipients is one of our reply addresses (or its signature is wrong).
        case unknownAddress
        /// The message cannot be taken as it is; the reason goes back to the sender.
        case refused(reason: String)
    }

    public static let replyAnswersPerHour = 5

    public func receiveMail(_ raw: [UInt8], recipient: String? = nil) throws -> MailInResult {
        let message: InboundMessage
        do {
            message = try InboundMessage.parse(raw, limits: inboundLimits)
        } catch {
            // A bounce or auto-reply is dropped even when its body cannot be read.
            if let headers = try? InboundMessage.parseHeaders(raw), let automatic = AutomaticMail.kind(of: headers) {
                return .dropped(automatic)
            }
            return .refused(reason: error.description)
        }
        let candidates = ([recipient].compactMap { $0 } + ["delivered-to", "x-original-to", "to", "cc"].flatMap(message.headers))
            .flatMap(Addresses.parse)
        guard let route = candidates.lazy.compactMap(replyAddresses.route(of:)).first else { return .unknownAddress }
        let sender = message.fromAddress ?? ""
        // With the sender in it, a forger's copy of someone's Message-ID cannot make their
        // real reply look like one already handled.
        let key = message.messageID.map { $0 + " " + sender } ?? "sha256:" + Secrets.hex(SHA256.hash(data: raw))
        let subject = String(message.subject.prefix(300))
        if try database.read({ db in try InboundMail.seen(db, key: key) }) { return .duplicate }
        if let automatic = AutomaticMail.kind(of: message) {
            try database.write { db in
                _ = try InboundMail.record(
                    db, key: key, sender: sender, subject: subject, caseID: route.caseID, protectionID: route.protectionID,
                    party: route.party.rawValue, outcome: automatic == .bounce ? .bounce : .autoReply, text: "", now: now())
            }
            return .dropped(automatic)
        }
        let text = String(ReplyText.newText(message.text).prefix(Self.maximumMessageLength))
        guard !text.isEmpty || !message.attachments.isEmpty else { return .refused(reason: "the reply has no text of its own") }
        let record = { (db: Database, outcome: InboundOutcome, caseID: String?) throws in
            guard
                try InboundMail.record(
                    db, key: key, sender: sender, subject: subject, caseID: caseID ?? route.caseID, protectionID: route.protectionID,
                    party: route.party.rawValue, outcome: outcome, text: text, now: self.now())
            else { throw DuplicateMail() }
        }
        do {
            guard let writer = try partyWriting(sender, on: route) else {
                try database.write { db in try record(db, .unverified, nil) }
                return .unverified
            }
            let uploads: [Upload]
            switch storeAttachments(message.attachments) {
            case .success(let stored): uploads = stored
            case .failure(let refusal): return .refused(reason: refusal.reason)
            }
            return try post(text, uploads: uploads, route: route, writer: writer, sender: sender, record: record)
        } catch is DuplicateMail {
            return .duplicate
        }
    }

    private struct DuplicateMail: Error {}

    /// The largest message `bp mail-in` reads.
    public var inboundMessageLimit: Int { inboundLimits.messageBytes }

    var inboundLimits: InboundMessage.Limits {
        var limits = InboundMessage.Limits()
        limits.parts = max(limits.parts, config.uploads.files * 2 + 8)
        return limits
    }

    /// Who a verified reply is from, read with its case in one go.
    struct PartyWriting {
        var viewer: Viewer
        /// The case the address names (nil for a protection's address).
        var context: CaseContext?
    }

    /// The sender is the party the address was made for: the customer's own address, or
    /// an address of the shop (a notification address, or an active merchant's sign-in,
    /// who then stands on the timeline as that colleague). Nil for anyone else.
    func partyWriting(_ sender: String, on route: ReplyAddresses.Route) throws -> PartyWriting? {
        guard let sender = EmailAddress.normalize(sender) else { return nil }
        return try database.read { db in
            switch route {
            case .protection(let id):
                guard try ProtectionRecord.find(db, id: id)?.customerEmail == sender else { return nil }
                return PartyWriting(viewer: .customer(email: sender), context: nil)
            case .caseParty(let caseID, let party):
                guard let context = try CaseContext.load(db, caseID: caseID) else { return nil }
                if party == .customer {
                    guard context.protection.customerEmail == sender else { return nil }
                    return PartyWriting(viewer: .customer(email: sender), context: context)
                }
                let colleague = try UserRecord.merchants(db, shopID: context.shop.id).first {
                    $0.email == sender && $0.deactivatedAt == nil
                }
                guard colleague != nil || context.shop.notificationEmails.contains(where: { $0.lowercased() == sender }) else {
                    return nil
                }
                return PartyWriting(viewer: .merchant(userID: colleague?.id ?? "", shopID: context.shop.id), context: context)
            }
        }
    }

    private func post(
        _ text: String, uploads: [Upload], route: ReplyAddresses.Route, writer: PartyWriting, sender: String,
        record: @escaping (Database, InboundOutcome, String?) throws -> Void
    ) throws -> MailInResult {
        let viewer = writer.viewer
        switch route {
        case .protection(let protectionID):
            do {
                let result = try giveFeedback(
                    protectionID: protectionID, viewer: viewer, option: .other, message: text, uploads: uploads,
                    afterwards: { caseID, db in try record(db, .inquiry, caseID) })
                switch result {
                case .inquirySent(let caseID): return .inquiryOpened(caseID: caseID)
                default: return .unroutable(reason: "the protection answered otherwise")
                }
            } catch let rejection as FormRejection {
                let reason = rejection.general?.key ?? rejection.fields.values.first?.key ?? "refused"
                try database.write { db in try record(db, .unroutable, nil) }
                return .unroutable(reason: reason)
            }
        case .caseParty(let caseID, let party):
            guard let context = writer.context else { return .unknownAddress }
            let actor = viewer.actor
            let file = context.record.file
            if file.kind == .claim && file.state == .escalated {
                _ = try act(
                    on: caseID, as: viewer, uploads: uploads,
                    afterwards: { context, _, db, now in
                        try DocumentRequests.answer(db, caseID: context.record.id, party: party, now: now)
                        try record(db, .posted, caseID)
                    }
                ) { (context, now) throws(CaseError) in
                    try context.record.file.partyMessage(
                        from: party, message: text, hasDocuments: !uploads.isEmpty, by: actor, at: now,
                        shopInsolvent: context.shop.isInsolvent)
                }
                return .posted(caseID: caseID)
            }
            if file.kind == .inquiry && file.state == .open && party == .customer {
                _ = try act(on: caseID, as: viewer, uploads: uploads, afterwards: { _, _, db, _ in try record(db, .posted, caseID) }) {
                    (context, now) throws(CaseError) in
                    try context.record.file.inquiryMessage(message: text, hasDocuments: !uploads.isEmpty, by: actor, at: now)
                }
                return .posted(caseID: caseID)
            }
            var answered = false
            _ = try act(
                on: caseID, as: viewer, uploads: uploads,
                afterwards: { context, _, db, now in
                    try record(db, .kept, caseID)
                    answered = try self.answerKeptReply(context, party: party, to: sender, db: db, now: now)
                }
            ) { (context, now) throws(CaseError) in
                try context.record.file.keptEmailReply(from: party, message: text, hasDocuments: !uploads.isEmpty, by: actor, at: now)
            }
            return .kept(caseID: caseID, answered: answered)
        }
    }

    /// Tells the sender their words are on the case and where the form is that an email
    /// cannot replace; not more than `replyAnswersPerHour` times an hour to one address.
    private func answerKeptReply(_ context: CaseContext, party: Party, to address: String, db: Database, now: Date) throws -> Bool {
        guard try InboundMail.answersSent(db, to: address, since: now - 3600) < Self.replyAnswersPerHour else {
            logger.notice("mail-in: not answering \(address) again this hour (loop guard)")
            return false
        }
        // The customer's language, the colleague's own, or the shop's for its addresses.
        let colleague = party == .merchant ? try UserRecord.find(db, role: .merchant, email: address) : nil
        let locale = party == .customer ? context.protection.locale : colleague?.locale ?? context.shop.locale
        let t = catalogs[locale]
        let number = "#\(context.record.number)"
        let link =
            party == .customer
            ? try NoticeMailer(app: self).customerLink(
                db, email: context.protection.customerEmail, to: SiteRoute.customerCase(context.record.id), now: now)
            : config.url(SiteRoute.merchantCase(context.record.id).path)
        let file = context.record.file
        let why: String
        switch (file.state, party) {
        case (.closed, _): why = t("mail_reply_kept_closed")
        case (.awaitingMerchant, .merchant): why = t("mail_reply_kept_merchant")
        case (.awaitingCustomer, .customer): why = t("mail_reply_kept_customer")
        default: why = t("mail_reply_kept_other")
        }
        let content = MailContent(
            subject: t.format("mail_reply_kept_subject", ["number": number]),
            heading: t.format("mail_reply_kept_heading", ["number": number]), paragraphs: [why],
            action: .init(label: t("mail_reply_kept_button"), url: link))
        try Outbox.enqueue(
            db,
            composer.mail(
                content, kind: "reply_kept", to: address, locale: locale, caseID: context.record.id,
                replyTo: replyAddress(.caseParty(caseID: context.record.id, party: party))),
            now: now, messageDomain: config.mailDomain)
        return true
    }

    struct AttachmentRefusal: Error {
        let reason: String
    }

    /// The attachments as uploads: the same type detection and limits as the forms'.
    func storeAttachments(_ attachments: [InboundMessage.Attachment]) -> Result<[Upload], AttachmentRefusal> {
        let limits = config.uploads
        guard attachments.count <= limits.files else {
            return .failure(AttachmentRefusal(reason: "more than \(limits.files) attachments"))
        }
        var uploads: [Upload] = []
        func discard() { for upload in uploads { unlink(upload.temporaryPath) } }
        for attachment in attachments {
            guard !attachment.bytes.isEmpty else { continue }
            guard attachment.bytes.count <= limits.fileBytes else {
                discard()
                return .failure(
                    AttachmentRefusal(reason: "\(attachment.filename) is larger than \(limits.fileBytes / 1_048_576) MB"))
            }
            var sniffer = ContentSniffer()
            attachment.bytes.withUnsafeBytes { sniffer.feed($0) }
            guard let kind = sniffer.finish() else {
                discard()
                return .failure(
                    AttachmentRefusal(reason: "\(attachment.filename) is not a PDF, an image (PNG, JPEG, WebP, GIF) or plain text"))
            }
            let path = documents.incoming + "/" + Secrets.newID()
            guard FileManager.default.createFile(atPath: path, contents: Data(attachment.bytes), attributes: [.posixPermissions: 0o600])
            else {
                discard()
                return .failure(AttachmentRefusal(reason: "cannot store \(attachment.filename)"))
            }
            uploads.append(
                Upload(
                    temporaryPath: path, name: attachment.filename, contentType: kind.rawValue, size: Int64(attachment.bytes.count),
                    sha256: Secrets.hex(SHA256.hash(data: attachment.bytes))))
        }
        return .success(uploads)
    }
}

extension ReplyAddresses.Route {
    var caseID: String? {
        if case .caseParty(let id, _) = self { return id }
        return nil
    }

    var protectionID: String? {
        if case .protection(let id) = self { return id }
        return nil
    }

    var party: Party {
        if case .caseParty(_, let party) = self { return party }
        return .customer
    }
}
