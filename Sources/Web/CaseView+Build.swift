import Foundation
import GRDB
import Operations
import Protection
import Rendering
import Store

extension CaseView {
    static func build(
        _ context: CaseContext, viewer: Viewer, db: Database, t: Catalog, f: LocaleFormat, now: Date,
        agentNames: [String: String] = [:]
    ) throws -> CaseView {
        let file = context.record.file
        let audience = viewer.audience
        let events = try EventRecord.timeline(db, caseID: context.record.id, audience: audience)
        let documents = try DocumentRecord.visible(db, caseID: context.record.id, audience: audience)
        let byEvent = Dictionary(grouping: documents, by: \.eventID)
        func link(_ d: DocumentRecord) -> DocumentLink {
            DocumentLink(name: d.name, href: SiteRoute.document(d.id).path, size: byteSize(d.size, t), type: typeLabel(d.contentType, t))
        }
        // The merchant's label names the shop: made once for the timeline, not per event.
        var merchantLabel: Words?
        func actorLabel(_ actor: ActorRef) -> Words {
            switch actor.kind {
            case .customer: return t.words(.actor_customer)
            case .merchant:
                if let merchantLabel { return merchantLabel }
                let label = Words(bytes: Array(t.format("actor_merchant", ["shop": context.shop.name]).utf8))
                merchantLabel = label
                return label
            case .agent:
                if case .agent = viewer, let id = actor.id, let name = agentNames[id] {
                    return Words(bytes: Array(t.format("actor_agent_named", ["name": name]).utf8))
                }
                return t.words(.actor_service)
            case .system: return t.words(.actor_system)
            }
        }
        let timeline = events.map { event -> TimelineEntry in
            TimelineEntry(
                time: DateText(date: event.at, format: f, withTime: true), timeISO: MachineTime(date: event.at),
                actor: actorLabel(event.actor),
                heading: heading(event, t), text: event.text, details: details(event, t, f, file.orderValue.currency),
                documents: (byEvent[event.id] ?? []).map(link), isInternal: event.audience == .agentsOnly,
                kind: event.kind.rawValue, hasDocuments: byEvent[event.id] != nil)
        }
        var deadline: Date?
        switch (viewer, file.state) {
        case (_, .awaitingMerchant): deadline = file.merchantDueAt
        case (_, .awaitingCustomer): deadline = file.customerDueAt
        default: deadline = nil
        }
        var replySummary: String?
        if let reply = file.reply {
            switch reply.refund {
            case .yes: replySummary = t.format("reply_summary_yes", ["amount": reply.amount.map(f.money) ?? ""])
            case .yesAfterReturn: replySummary = t.format("reply_summary_after_return", ["amount": reply.amount.map(f.money) ?? ""])
            case .no: replySummary = t("reply_summary_no")
            }
        }
        var decisionLabel: String?
        if let decision = file.decision {
            decisionLabel = t.format("outcome_" + decision.outcome.rawValue + "_summary", ["amount": decision.amount.map(f.money) ?? ""])
        }
        return CaseView(
            number: "#\(context.record.number)", state: file.state.rawValue,
            stateLabel: stateLabel(file, t), kindInquiry: file.kind == .inquiry,
            reasonLabel: file.reason.map { t.words($0) }, shopName: context.shop.name,
            orderNumber: context.protection.orderNumber,
            orderDate: DateText(date: context.protection.orderDate, format: f, withTime: false),
            orderValue: MoneyText(money: file.orderValue, format: f), customerEmail: context.protection.customerEmail,
            openedAt: DateText(date: file.openedAt, format: f, withTime: true),
            deadline: deadline.map { DateText(date: $0, format: f, withTime: true) },
            daysLeft: deadline.map { t.daysLeftWords(until: $0, now: now) },
            deadlinePassed: deadline.map { now >= $0 } ?? false, replySummary: replySummary,
            escalationLabel: file.escalation.map { t.words($0) },
            closureLabel: file.closure.map { t.label("closure", $0.rawValue) }, decisionLabel: decisionLabel,
            returnStatus: returnStatus(file, t, f),
            pausedDaysLeft: file.customerClockPaused
                ? t.plural("days_left", Int(((file.customerTimeLeft ?? 0) / Deadlines.day).rounded(.up))) : nil,
            appealLabel: file.appeal.map {
                t.format("appeal_summary", ["party": t("party_" + $0.party.rawValue), "date": f.dateTime($0.at)])
            },
            timeline: timeline, documents: documents.map(link), isOpen: file.state.isOpen,
            fileHref: CaseFilePages.route(viewer, caseID: context.record.id, json: false).path)
    }

    static func returnStatus(_ file: CaseFile, _ t: Catalog, _ f: LocaleFormat) -> String? {
        guard let shipment = file.returnShipment else { return nil }
        var how = t("carrier_" + shipment.carrier.rawValue)
        if let tracking = shipment.tracking { how += ", " + t.format("return_tracking_number", ["tracking": tracking]) }
        let sent = t.format("return_status_sent", ["how": how, "date": f.dateTime(shipment.sentAt)])
        if let received = file.goodsReceivedAt {
            let line = t.format("return_status_received", ["date": f.dateTime(received)])
            guard let refundDue = file.refundDueAt else { return sent + " " + line }
            return sent + " " + line + " " + t.format("return_status_refund_due", ["date": f.dateTime(refundDue)])
        }
        guard let due = file.returnDueAt else { return sent }
        return sent + " " + t.format("return_status_confirm_by", ["date": f.dateTime(due)])
    }

    static func stateLabel(_ file: CaseFile, _ t: Catalog) -> Words {
        if file.kind == .inquiry { return Words(bytes: Array(t("inquiry_state_" + file.state.rawValue).utf8)) }
        // The return step says where the goods are, not only whose turn it is.
        if file.awaitsReturnShipment { return t.words(.state_return_expected) }
        if file.awaitsReturnReceipt { return t.words(.state_return_travelling) }
        return t.words(file.state)
    }

    /// An event's heading: its kind's own words, found by key, or words made from its
    /// data (why it escalated or closed, whom a message or request is for).
    static func heading(_ event: EventRecord, _ t: Catalog) -> Words {
        if let key = event.kind.headingKey { return t.words(key) }
        let text: String
        switch event.kind {
        case .escalated: text = t.format("event_escalated", ["reason": t.label("escalation", event.data["reason"] ?? "")])
        case .closed: text = t.format("event_closed", ["closure": t.label("closure", event.data["closure"] ?? "")])
        case .serviceMessage:
            text = t("event_service_message_to_" + (event.data["to"] ?? "customer").replacingOccurrences(of: ",", with: "_"))
        case .documentsRequested, .documentRequestExpired:
            text = t("event_\(event.kind.rawValue)_" + (event.data["from"] ?? "customer"))
        default: text = t("event_" + event.kind.rawValue)  // a kind with a heading key; not reached
        }
        return Words(bytes: Array(text.utf8))
    }

    static func details(_ event: EventRecord, _ t: Catalog, _ f: LocaleFormat, _ currency: Currency) -> [String] {
        var lines: [String] = []
        let amount = event.data["amount"].flatMap(Int64.init).map { f.money(Money(minor: $0, currency: currency)) }
        switch event.kind {
        case .caseOpened:
            if let reason = event.data["reason"] { lines.append(t.label("reason", reason)) }
        case .merchantReplied:
            if let refund = event.data["refund"] { lines.append(t.format("detail_refund", ["refund": t.label("refund", refund)])) }
            if let amount { lines.append(t.format("detail_amount", ["amount": amount])) }
        case .customerAnswered:
            if let answer = event.data["answer"] { lines.append(t.label("answer", answer)) }
        case .decision:
            if let outcome = event.data["outcome"] { lines.append(t.label("outcome", outcome)) }
            if let amount { lines.append(t.format("detail_amount", ["amount": amount])) }
        case .documentsRequested:
            if let due = event.data["due"].flatMap(ISO8601.parse) { lines.append(t.format("detail_due", ["date": f.dateTime(due)])) }
        case .returnSent:
            if let carrier = event.data["carrier"] { lines.append(t("carrier_" + carrier)) }
            if let tracking = event.data["tracking"] { lines.append(t.format("return_tracking_number", ["tracking": tracking])) }
        case .returnReceived:
            if let due = event.data["refund_due"].flatMap(ISO8601.parse) {
                lines.append(t.format("detail_refund_due", ["date": f.dateTime(due)]))
            }
        case .appealed:
            if let party = event.data["party"] { lines.append(t.format("detail_appeal_by", ["party": t("party_" + party)])) }
        case .payoutProposed, .payoutApproved, .payoutReturned:
            if let amount { lines.append(t.format("detail_amount", ["amount": amount])) }
        default: break
        }
        return lines
    }

    static func byteSize(_ bytes: Int64, _ t: Catalog) -> String {
        if bytes < 1024 { return t.format("size_bytes", ["n": String(bytes)]) }
        if bytes < 1024 * 1024 { return t.format("size_kb", ["n": String((bytes + 512) / 1024)]) }
        let tenths = (bytes * 10 + 524_288) / 1_048_576
        return t.format("size_mb", ["n": "\(tenths / 10)\(t("decimal_separator"))\(tenths % 10)"])
    }

    static func typeLabel(_ contentType: String, _ t: Catalog) -> String {
        switch contentType {
        case "application/pdf": "PDF"
        case "image/png": "PNG"
        case "image/jpeg": "JPEG"
        case "image/webp": "WebP"
        case "image/gif": "GIF"
        default: t("type_text")
        }
    }
}

extension EventKind {
    /// The catalog key of the heading an event of this kind always has; nil for the
    /// kinds whose heading depends on the event's data (why it escalated or closed, whom
    /// a message or request is for). `EventHeadingKeyTests` checks each against
    /// `event_<kind>`.
    var headingKey: CatalogKey? {
        switch self {
        case .caseOpened: .event_case_opened
        case .inquirySent: .event_inquiry_sent
        case .merchantReplied: .event_merchant_replied
        case .customerAnswered: .event_customer_answered
        case .merchantReminded: .event_merchant_reminded
        case .customerReminded: .event_customer_reminded
        case .note: .event_note
        case .partyMessage: .event_party_message
        case .assigned: .event_assigned
        case .decision: .event_decision
        case .inquiryAnswered: .event_inquiry_answered
        case .returnSent: .event_return_sent
        case .returnReceived: .event_return_received
        case .returnNotReceivedYet: .event_return_not_received_yet
        case .appealed: .event_appealed
        case .payoutProposed: .event_payout_proposed
        case .payoutApproved: .event_payout_approved
        case .payoutReturned: .event_payout_returned
        case .emailReply: .event_email_reply
        case .escalated, .closed, .serviceMessage, .documentsRequested, .documentRequestExpired: nil
        }
    }
}
