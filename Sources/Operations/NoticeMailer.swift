import Foundation
import GRDB
import Mail
import Protection
import Rendering
import Store

/// What a queued email is to say, kept in the outbox row until it is worded at delivery.
struct NoticePayload: Codable, Sendable {
    /// A `Notice.Kind`, or `feedback_reminder` / `insolvency` for the protection emails.
    var kind: String
    var caseID: String?
    var protectionID: String?
    var to: Party
    var text: String?
    /// Whether the case went straight to the service team when it opened (insolvent shop).
    var openedEscalated: Bool?

    func json() -> String {
        String(decoding: (try? sortedKeysEncoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    static func decode(_ text: String) -> NoticePayload? {
        try? JSONDecoder().decode(NoticePayload.self, from: Data(text.utf8))
    }
}

/// Queues the domain's notices as emails to word later (inside the caller's transaction),
/// and words them in the recipient's language when they are delivered.
struct NoticeMailer {
    let app: App

    func enqueue(_ notices: [Notice], context: CaseContext, db: Database, now: Date) throws {
        for notice in notices {
            let payload = NoticePayload(
                kind: notice.kind.rawValue, caseID: context.record.id, to: notice.to, text: notice.text,
                openedEscalated: notice.kind == .caseOpenedCustomer ? context.record.file.state == .escalated : nil)
            let addresses = notice.to == .customer ? [context.protection.customerEmail] : context.shop.notificationEmails
            let locale = notice.to == .customer ? context.protection.locale : context.shop.locale
            for address in addresses {
                try Outbox.enqueue(
                    db,
                    .notice(
                        payload.json(), kind: notice.kind.rawValue, caseID: context.record.id, to: address,
                        locale: locale.rawValue), now: now, messageDomain: app.config.mailDomain)
            }
        }
    }

    /// Queues a protection's email (the day-23 question, the insolvency news) to word later.
    func enqueueProtectionMail(kind: String, protection: ProtectionRecord, dedupeKey: String, db: Database, now: Date) throws {
        let payload = NoticePayload(kind: kind, protectionID: protection.id, to: .customer)
        try Outbox.enqueue(
            db,
            .notice(
                payload.json(), kind: kind, caseID: nil, to: protection.customerEmail,
                locale: protection.locale.rawValue, dedupeKey: dedupeKey),
            now: now, messageDomain: app.config.mailDomain)
    }

    /// The words of a queued notice, in the language it was queued in. Links that sign the
    /// customer in are created now, so they are fresh when the email leaves.
    func word(_ entry: OutboxEntry, db: Database, now: Date) throws -> OutgoingMail {
        guard let notice = entry.mail.notice, let payload = NoticePayload.decode(notice) else { return entry.mail }
        let locale = AppLocale(rawValue: entry.mail.locale) ?? .en
        let content: MailContent
        if let caseID = payload.caseID, let kind = Notice.Kind(rawValue: payload.kind) {
            guard let context = try CaseContext.load(db, caseID: caseID) else { throw NotFound() }
            let link =
                payload.to == .customer
                ? try customerLink(db, email: context.protection.customerEmail, to: SiteRoute.customerCase(caseID), now: now)
                : app.config.url(SiteRoute.merchantCase(caseID).path)
            content = words(
                Notice(kind, to: payload.to, text: payload.text), payload: payload, context: context, locale: locale,
                link: link, db: db, now: now)
        } else if let protectionID = payload.protectionID, let protection = try ProtectionRecord.find(db, id: protectionID),
            let shop = try ShopRecord.find(db, id: protection.shopID)
        {
            content = try protectionWords(payload.kind, protection: protection, shop: shop, locale: locale, db: db, now: now)
        } else {
            throw NotFound()
        }
        // A reply comes back to the case (or protection) and the party it was sent to.
        let route: ReplyAddresses.Route? =
            if let caseID = payload.caseID { .caseParty(caseID: caseID, party: payload.to) } else {
                payload.protectionID.map { .protection(protectionID: $0) }
            }
        var mail = app.composer.mail(
            content, kind: entry.mail.kind, to: entry.mail.to, locale: locale, caseID: entry.mail.caseID,
            dedupeKey: entry.mail.dedupeKey, replyTo: route.flatMap(app.replyAddress))
        mail.notice = notice
        return mail
    }

    /// The day-23 question and the insolvency news.
    func protectionWords(
        _ kind: String, protection: ProtectionRecord, shop: ShopRecord, locale: AppLocale, db: Database,
        now: Date
    ) throws -> MailContent {
        let t = app.catalogs[locale]
        let f = app.format(locale)
        let args = ["shop": shop.name, "order": protection.orderNumber]
        if kind == "insolvency" {
            let link = try customerLink(db, email: protection.customerEmail, to: .account, now: now)
            return MailContent(
                subject: t.format("mail_insolvency_subject", args), heading: t.format("mail_insolvency_heading", args),
                paragraphs: [t.format("mail_insolvency_body", args)],
                action: .init(label: t("mail_button_view_protections"), url: link))
        }
        let link = try customerLink(db, email: protection.customerEmail, to: .protection(protection.id), now: now)
        return MailContent(
            subject: t.format("mail_feedback_reminder_subject", args), heading: t.format("mail_feedback_reminder_heading", args),
            paragraphs: [
                t.format("mail_feedback_reminder_body", args),
                t.format("mail_feedback_reminder_until", ["date": f.date(protection.expiresAt)]),
            ],
            facts: [
                .init(label: t("fact_shop"), value: shop.name),
                .init(label: t("fact_order_number"), value: protection.orderNumber),
                .init(label: t("fact_order_date"), value: f.date(protection.orderDate)),
                .init(label: t("fact_order_value"), value: f.money(protection.value)),
            ],
            action: .init(label: t("mail_button_give_feedback"), url: link + "#feedback"))
    }

    /// An absolute link that signs the customer in and opens `route`. It stays valid
    /// through the customer's answer window, and may be used more than once in it.
    func customerLink(_ db: Database, email: String, to route: SiteRoute, now: Date) throws -> String {
        let lifetime = Double(app.config.deadlines.customerDays + 2) * Deadlines.day
        let token = try LoginTokens.create(db, email: email, lifetime: lifetime, reusable: true, now: now)
        return app.config.url(SiteRoute.loginLink(token: token).path + "?next=" + route.path)
    }

    func words(
        _ notice: Notice, payload: NoticePayload, context: CaseContext, locale: AppLocale, link: String, db: Database,
        now: Date
    ) -> MailContent {
        let t = app.catalogs[locale]
        let f = app.format(locale)
        let record = context.record
        let file = record.file
        let number = "#\(record.number)"
        let args: [String: String] = [
            "number": number,
            "shop": context.shop.name,
            "order": context.protection.orderNumber,
            "value": f.money(file.orderValue),
            "customer": context.protection.customerEmail,
        ]
        var facts: [MailContent.Fact] = [
            .init(label: t("fact_case_number"), value: number),
            .init(label: t("fact_shop"), value: context.shop.name),
            .init(label: t("fact_order_number"), value: context.protection.orderNumber),
            .init(label: t("fact_order_date"), value: f.date(context.protection.orderDate)),
            .init(label: t("fact_order_value"), value: f.money(file.orderValue)),
        ]
        if let reason = file.reason { facts.append(.init(label: t("fact_reason"), value: t.label("reason", reason.rawValue))) }
        func subject(_ key: String) -> String { t.format("mail_\(key)_subject", args) }
        func line(_ key: String, _ extra: [String: String] = [:]) -> String { t.format(key, args.merging(extra) { $1 }) }

        switch notice.kind {
        case .caseOpenedMerchant:
            facts.append(.init(label: t("fact_customer_email"), value: context.protection.customerEmail))
            let due = file.merchantDueAt ?? file.openedAt
            return MailContent(
                subject: subject("case_opened_merchant"), heading: line("mail_case_opened_merchant_heading"),
                paragraphs: [
                    line("mail_case_opened_merchant_body"),
                    line(
                        app.config.businessDays ? "mail_case_opened_merchant_deadline_business" : "mail_case_opened_merchant_deadline",
                        ["days": String(app.config.deadlines.merchantDays), "date": f.dateTime(due)]),
                ],
                quote: latestText(db, caseID: record.id, kind: .caseOpened), quoteLabel: t("mail_customer_wrote"), facts: facts,
                action: .init(label: t("mail_button_enter_response"), url: link))
        case .caseOpenedCustomer:
            let body =
                payload.openedEscalated == true
                ? line("mail_case_opened_customer_insolvent")
                : line("mail_case_opened_customer_body", ["days": String(app.config.deadlines.merchantDays)])
            return MailContent(
                subject: subject("case_opened_customer"), heading: line("mail_case_opened_customer_heading"),
                paragraphs: [body], facts: facts, action: .init(label: t("mail_button_view_case"), url: link))
        case .inquiryReceived:
            return MailContent(
                subject: subject("inquiry_received"), heading: line("mail_inquiry_received_heading"),
                paragraphs: [line("mail_inquiry_received_body")], facts: Array(facts.dropFirst()),
                action: .init(label: t("mail_button_view_message"), url: link))
        case .merchantReplied:
            let reply = file.reply
            let decision: String
            switch reply?.refund {
            case .yes?: decision = line("mail_reply_refund_yes", ["amount": reply?.amount.map(f.money) ?? ""])
            case .yesAfterReturn?: decision = line("mail_reply_refund_after_return", ["amount": reply?.amount.map(f.money) ?? ""])
            default: decision = line("mail_reply_refund_no")
            }
            let due = file.customerDueAt ?? Date()
            return MailContent(
                subject: subject("merchant_replied"), heading: line("mail_merchant_replied_heading"),
                paragraphs: [
                    decision,
                    line("mail_merchant_replied_deadline", ["days": String(app.config.deadlines.customerDays), "date": f.dateTime(due)]),
                ],
                quote: latestText(db, caseID: record.id, kind: .merchantReplied), quoteLabel: line("mail_shop_wrote"), facts: facts,
                action: .init(label: t("mail_button_enter_answer"), url: link))
        case .escalated:
            let reason = file.escalation?.rawValue ?? "solution_disputed"
            let side = notice.to == .customer ? "customer" : "merchant"
            return MailContent(
                subject: subject("escalated"), heading: line("mail_escalated_heading"),
                paragraphs: [line("mail_escalated_\(reason)_\(side)"), line("mail_escalated_next")], facts: facts,
                action: .init(label: t("mail_button_view_case"), url: link))
        case .closed:
            let closure = file.closure?.rawValue ?? "refund_confirmed"
            return MailContent(
                subject: subject("closed"), heading: line("mail_closed_heading"),
                paragraphs: [line("mail_closed_\(closure)")], facts: facts,
                action: .init(label: t("mail_button_view_case"), url: link))
        case .merchantReminder:
            let due = file.merchantDueAt ?? Date()
            return MailContent(
                subject: subject("merchant_reminder"), heading: line("mail_merchant_reminder_heading"),
                paragraphs: [line("mail_merchant_reminder_body", ["date": f.dateTime(due)])],
                quote: latestText(db, caseID: record.id, kind: .caseOpened), quoteLabel: t("mail_customer_wrote"), facts: facts,
                action: .init(label: t("mail_button_enter_response"), url: link))
        case .customerReminder:
            let due = file.customerDueAt ?? Date()
            return MailContent(
                subject: subject("customer_reminder"), heading: line("mail_customer_reminder_heading"),
                paragraphs: [
                    line(
                        "mail_customer_reminder_body",
                        [
                            "date": f.dateTime(due),
                            "days": t.plural("days_left", Deadlines.daysLeft(until: due, from: now)),
                        ])
                ],
                facts: facts, action: .init(label: t("mail_button_enter_answer"), url: link))
        case .serviceMessage:
            return MailContent(
                subject: subject("service_message"), heading: line("mail_service_message_heading"),
                paragraphs: [line("mail_service_message_body")], quote: notice.text,
                quoteLabel: t("mail_service_wrote"), facts: facts,
                action: .init(label: t("mail_button_view_case"), url: link))
        case .documentsRequested:
            return MailContent(
                subject: subject("documents_requested"), heading: line("mail_documents_requested_heading"),
                paragraphs: [
                    line(
                        "mail_documents_requested_body",
                        ["days": String(app.config.deadlines.documentRequestDays)])
                ],
                quote: notice.text, quoteLabel: t("mail_service_wrote"), facts: facts,
                action: .init(label: t("mail_button_upload"), url: link))
        case .decision:
            let outcome = file.decision?.outcome.rawValue ?? "rejected"
            let amount = file.decision?.amount.map(f.money) ?? ""
            var paragraphs = [line("mail_decision_\(outcome)", ["amount": amount])]
            if file.appeal != nil {
                paragraphs.append(line("mail_decision_final"))
            } else if let ends = file.appealEnds(deadlines: app.deadlines(for: context.shop)) {
                paragraphs.append(line("mail_decision_appeal", ["date": f.dateTime(ends)]))
            }
            return MailContent(
                subject: subject("decision"), heading: line("mail_decision_heading"),
                paragraphs: paragraphs, quote: notice.text,
                quoteLabel: t("mail_service_wrote"), facts: facts,
                action: .init(label: t("mail_button_view_case"), url: link))
        case .returnSent:
            let shipment = file.returnShipment
            var how = shipment.map { t("carrier_" + $0.carrier.rawValue) } ?? ""
            if let tracking = shipment?.tracking { how += ", " + t.format("return_tracking_number", ["tracking": tracking]) }
            return MailContent(
                subject: subject("return_sent"), heading: line("mail_return_sent_heading"),
                paragraphs: [
                    line("mail_return_sent_body", ["how": how]),
                    line("mail_return_sent_deadline", ["date": file.returnDueAt.map(f.dateTime) ?? ""]),
                ],
                facts: facts, action: .init(label: t("mail_button_confirm_receipt"), url: link + "#receipt"))
        case .returnReceived:
            return MailContent(
                subject: subject("return_received"), heading: line("mail_return_received_heading"),
                paragraphs: [
                    line("mail_return_received_body", ["date": file.refundDueAt.map(f.dateTime) ?? ""]),
                    line("mail_return_received_answer", ["date": file.customerDueAt.map(f.dateTime) ?? ""]),
                ],
                quote: latestText(db, caseID: record.id, kind: .returnReceived), quoteLabel: line("mail_shop_wrote"), facts: facts,
                action: .init(label: t("mail_button_enter_answer"), url: link + "#answer"))
        case .returnNotReceivedYet:
            return MailContent(
                subject: subject("return_not_received_yet"), heading: line("mail_return_not_received_yet_heading"),
                paragraphs: [
                    line("mail_return_not_received_yet_body", ["date": file.returnDueAt.map(f.dateTime) ?? ""])
                ],
                quote: latestText(db, caseID: record.id, kind: .returnNotReceivedYet), quoteLabel: line("mail_shop_wrote"),
                facts: facts, action: .init(label: t("mail_button_view_case"), url: link))
        case .appealed:
            let appellant = file.appeal?.party ?? .customer
            let own = appellant == notice.to
            return MailContent(
                subject: subject("appealed"), heading: line("mail_appealed_heading"),
                paragraphs: [
                    line(own ? "mail_appealed_own" : "mail_appealed_by_\(appellant.rawValue)"), line("mail_appealed_next"),
                ],
                quote: own ? nil : latestText(db, caseID: record.id, kind: .appealed),
                quoteLabel: t("mail_appeal_reason"), facts: facts,
                action: .init(label: t("mail_button_view_case"), url: link))
        case .inquiryAnswered:
            return MailContent(
                subject: subject("inquiry_answered"), heading: line("mail_inquiry_answered_heading"),
                paragraphs: [line("mail_inquiry_answered_body")], quote: notice.text,
                quoteLabel: t("mail_service_wrote"), facts: Array(facts.dropFirst()),
                action: .init(label: t("mail_button_view_message"), url: link))
        }
    }

    /// The latest text of an event kind on the case; the events of the transition are
    /// already written when its emails are worded.
    private func latestText(_ db: Database, caseID: String, kind: EventKind) -> String? {
        try? String.fetchOne(
            db.cachedStatement(sql: "SELECT text FROM events WHERE case_id = ? AND kind = ? ORDER BY id DESC LIMIT 1"),
            arguments: [caseID, kind.rawValue])
    }
}
