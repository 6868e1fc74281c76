import FastCGI
import Foundation
import GRDB
import Operations
import Protection
import Rendering
import Store

/// The service team's pages: the queue, a case with every action, a shop (insolvency),
/// the mail page and the dashboard. Agents only; everyone else is told nothing is here.
struct ServicePages {
    let pages: Pages
    var app: App { pages.app }
    static let pageSize = 50

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        let agentID: String
        switch pages.requireAgent(ctx) {
        case .allowed(let id): agentID = id
        case .answered(let response): return response
        }
        switch (route, form) {
        case (.serviceDashboard, nil): return try ServiceDashboard(pages: pages).render(ctx)
        case (.serviceQueue, nil): return try queue(ctx, agentID: agentID)
        case (.serviceSearch, nil): return try SearchPages(pages: pages).service(ctx)
        case (.serviceExport, nil):
            let shop = ctx.queryValue("shop").flatMap { SiteRoute.isID($0) ? $0 : nil }
            return try ExportPages(pages: pages).respond(ctx, shopID: shop, role: .agent)
        case (.serviceCase(let id), nil): return try caseView(id, ctx, agentID: agentID)
        case (.serviceShop(let id), nil): return try ServiceShopPages(pages: pages).shop(id, ctx)
        case (.serviceInsolvency(let id), let form?): return try ServiceShopPages(pages: pages).insolvency(id, ctx, form)
        case (.serviceMail, nil): return try ServiceShopPages(pages: pages).mail(ctx)
        case (.serviceMailRetry(let n), _?): return try ServiceShopPages(pages: pages).retry(n, ctx)
        case (.serviceMailMessage(let n), nil): return try ServiceShopPages(pages: pages).message(n, ctx)
        case (.serviceMailReplyDone(let n), _?):
            guard let id = Int64(n), try app.database.write({ db in try InboundMail.markReviewed(db, id: id, now: app.now()) }) else {
                return pages.error(404, ctx)
            }
            return seeOther(SiteRoute.serviceQueue.path + "?done=mail_reply_done", ctx)
        case (let route, let form?): return try action(route, ctx, form, agentID: agentID)
        default: return pages.error(404, ctx)
        }
    }

    private func action(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody, agentID: String) throws -> HTTPResponse {
        let viewer = ctx.viewer
        let id: String
        let name: String
        var done: String
        let perform: () throws -> Void
        switch route {
        case .serviceNote(let i):
            (id, name, done) = (i, "note", "note_added")
            perform = { _ = try app.addNote(caseID: i, viewer: viewer, text: form.text("text")) }
        case .serviceMessage(let i):
            (id, name, done) = (i, "message", "service_message_sent")
            perform = { _ = try app.sendServiceMessage(caseID: i, viewer: viewer, to: form.value("to"), text: form.text("text")) }
        case .serviceRequestDocuments(let i):
            (id, name, done) = (i, "request", "documents_requested")
            perform = { _ = try app.requestDocuments(caseID: i, viewer: viewer, from: form.value("from"), text: form.text("text")) }
        case .serviceAssign(let i):
            (id, name, done) = (i, "assign", "assigned")
            perform = { _ = try app.assignToMe(caseID: i, viewer: viewer) }
        case .serviceDecision(let i):
            (id, name, done) = (i, "decision", "decided")
            perform = {
                let decided = try app.decide(
                    caseID: i, viewer: viewer, outcome: form.value("outcome"), amount: form.value("amount"),
                    text: form.text("text"))
                if decided.record.file.proposal != nil { done = "payout_proposed" }
            }
        case .serviceApprovePayout(let i):
            (id, name, done) = (i, "approve", "payout_approved")
            perform = { _ = try app.approvePayout(caseID: i, viewer: viewer) }
        case .serviceReturnPayout(let i):
            (id, name, done) = (i, "return_payout", "payout_returned")
            perform = { _ = try app.returnPayout(caseID: i, viewer: viewer, text: form.text("text")) }
        case .serviceAnswerInquiry(let i):
            (id, name, done) = (i, "answer", "inquiry_answered")
            perform = { _ = try app.answerInquiry(caseID: i, viewer: viewer, text: form.text("text")) }
        default:
            return pages.error(404, ctx)
        }
        return try pages.submit(
            form, ctx, then: SiteRoute.serviceCase(id).path + "?done=" + done, { _ in try perform() },
            orShowAgain: { try caseView(id, ctx, agentID: agentID, rejection: $0, failedForm: name, typed: form) })
    }

    private func queue(_ ctx: RequestContext, agentID: String) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        let reason = ctx.queryValue("reason").flatMap { $0 == "inquiry" || EscalationReason(rawValue: $0) != nil ? $0 : nil }
        let shopFilter = ctx.queryValue("shop").flatMap { SiteRoute.isID($0) ? $0 : nil }
        let assignee = ctx.queryValue("assignee").flatMap { ["mine", "unassigned"].contains($0) ? $0 : nil }
        let approval = ctx.queryValue("approval") == "awaiting" ? "awaiting" : nil
        let page = ctx.pageNumber()
        var conditions: [String] = []
        var arguments: SQLValues = []
        if let reason {
            if reason == "inquiry" {
                conditions.append("c.kind = 'inquiry'")
            } else {
                conditions.append("c.escalation_reason = ? AND c.state = 'escalated'")
                arguments += [reason]
            }
        }
        if let shopFilter {
            conditions.append("c.shop_id = ?")
            arguments += [shopFilter]
        }
        if assignee == "mine" {
            conditions.append("c.assigned_agent_id = ?")
            arguments += [agentID]
        }
        if assignee == "unassigned" { conditions.append("c.assigned_agent_id IS NULL") }
        if approval != nil { conditions.append("c.proposed_by IS NOT NULL") }
        arguments += [Self.pageSize + 1, (page - 1) * Self.pageSize]
        // The "only this shop" link of every line: the filters around the shop's id
        // written once (ids are base32 and need no encoding).
        let shopLinkEnds = JoinedText.Ends(
            head: SiteRoute.serviceQueue.path + "?" + (reason.map { "reason=" + URLEncoded.encode($0) + "&" } ?? "") + "shop=",
            tail: (assignee.map { "&assignee=" + URLEncoded.encode($0) } ?? "") + (approval.map { "&approval=" + $0 } ?? ""))
        // Made once: a String for each unassigned line was a tenth of the page's Strings.
        let unassigned = t(.queue_unassigned)
        func item(_ row: QueueListRow) -> QueueItem {
            QueueItem(
                href: CaseLink(page: .service, id: row.id), number: CaseNumberText(number: row.number), shop: row.shopName,
                shopFilterHref: JoinedText(ends: shopLinkEnds, middle: row.shopID),
                orderNumber: row.orderNumber,
                value: MoneyText(money: row.orderValue, format: f),
                reason: row.kind == .inquiry ? t.words(.reason_inquiry) : row.escalation.map { t.words($0) } ?? .empty,
                waiting: waitingWords(now.timeIntervalSince(row.queuedAt), t),
                queued: DateText(date: row.queuedAt, format: f, withTime: true),
                agent: row.agentEmail ?? unassigned, assigned: row.agentEmail != nil,
                documentsDue: row.documentsDue.map { f.dateTime($0) + " (" + daysLeftLabel(until: $0, now: now, t) + ")" },
                awaitingApproval: row.awaitingApproval, appeal: row.escalation == .appeal)
        }
        // One line more than a page, read only to know whether a next page exists; each
        // line made as its row is read.
        var items: [QueueItem] = []
        items.reserveCapacity(Self.pageSize + 1)
        let (filteredShop, replies) = try app.database.read { db in
            try CaseListing.queuePage(db, conditions: conditions, arguments: arguments) { items.append(item($0)) }
            let filteredShop = try shopFilter.flatMap { try ShopRecord.find(db, id: $0) }
            return (filteredShop, page == 1 ? try InboundMail.toReview(db, limit: 20) : [])
        }
        let hasNext = items.count > Self.pageSize
        if hasNext { items.removeLast() }
        func href(_ changes: [String: String?]) -> String {
            var params: [(String, String)] = []
            var current: [String: String?] = ["reason": reason, "shop": shopFilter, "assignee": assignee, "approval": approval]
            for (k, v) in changes { current[k] = v }
            for key in ["reason", "shop", "assignee", "approval", "page"] { if let v = current[key] ?? nil { params.append((key, v)) } }
            return SiteRoute.serviceQueue.path
                + (params.isEmpty ? "" : "?" + params.map { "\($0.0)=\(URLEncoded.encode($0.1))" }.joined(separator: "&"))
        }
        let reasons = (["inquiry"] + EscalationReason.allCases.map(\.rawValue)).map { value in
            SelectOption(
                value: value, label: value == "inquiry" ? t(.reason_inquiry) : t.label("escalation", value),
                selected: value == reason)
        }
        let model = QueuePage(
            search: SearchPages.box(.serviceSearch, query: "", t),
            items: items, reasons: reasons,
            shopFilter: filteredShop.map { ShopFilter(name: $0.name, clearHref: href(["shop": nil, "page": nil]), id: $0.id) },
            assignees: ["mine", "unassigned"].map {
                SelectOption(value: $0, label: t("queue_assignee_" + $0), selected: $0 == assignee)
            },
            approvalOnly: approval != nil, action: SiteRoute.serviceQueue.path,
            previousHref: page > 1 ? href(["page": String(page - 1)]) : nil,
            nextHref: hasNext ? href(["page": String(page + 1)]) : nil, page: page,
            filtered: reason != nil || shopFilter != nil || assignee != nil || approval != nil, clearHref: SiteRoute.serviceQueue.path,
            mailReplies: replies.map { reply in
                MailReplyItem(
                    sender: reply.sender, received: f.dateTime(reply.receivedAt), subject: reply.subject,
                    why: t(reply.outcome == .unverified ? .mail_reply_unverified : .mail_reply_unroutable),
                    caseHref: reply.caseID.map { SiteRoute.serviceCase($0).path }, caseNumber: reply.caseNumber.map { "#\($0)" },
                    text: String(reply.text.prefix(600)), doneAction: SiteRoute.serviceMailReplyDone(String(reply.id)).path)
            })
        return pages.render(Page(template: Template.serviceQueue, title: t(.queue_title), model: model), ctx)
    }

    func waitingWords(_ seconds: TimeInterval, _ t: Catalog) -> Words {
        let hours = Int(max(0, seconds) / 3600)
        if hours < 1 { return t.words(.waiting_under_hour) }
        if hours < 48 { return t.pluralWords(.waiting_hours, hours) }
        return t.pluralWords(.waiting_days, hours / 24)
    }

    private func caseView(
        _ id: String, _ ctx: RequestContext, agentID: String, rejection: FormRejection? = nil,
        failedForm: String? = nil, typed: FormBody? = nil
    ) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        let (context, view, requests, agents) = try app.readCase(id, viewer: ctx.viewer) { context, db in
            let agents = Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db.cachedStatement(sql: "SELECT id, email FROM users WHERE role = 'agent'"))
                    .map { ($0["id"] as String, $0["email"] as String) })
            return (
                context, try CaseView.build(context, viewer: ctx.viewer, db: db, t: t, f: f, now: now, agentNames: agents),
                try DocumentRequests.open(db, caseID: id), agents
            )
        }
        let file = context.record.file
        let errors = pages.fieldErrors(rejection, t)
        func form(_ name: String, _ route: SiteRoute) -> ServiceForm {
            ServiceForm(
                action: route.path, errors: failedForm == name ? errors : .none,
                text: failedForm == name ? typed?.text("text") ?? "" : "")
        }
        func choices(_ values: [String], _ prefix: String, chosen field: String, in formName: String) -> [Choice] {
            let chosen = failedForm == formName ? typed?.value(field) : nil
            return values.map { Choice(value: $0, label: t(prefix + $0), checked: $0 == chosen) }
        }
        let open = file.state.isOpen
        let mediated = file.kind == .claim && file.state == .escalated
        var messageForm: ServiceForm?
        var requestForm: ServiceForm?
        var decisionForm: ServiceForm?
        let decidedBefore = file.appeal?.excludedAgents.contains(agentID) ?? false
        if mediated {
            messageForm = form("message", .serviceMessage(id))
            messageForm?.recipients = choices(["customer", "merchant", "both"], "to_", chosen: "to", in: "message")
            requestForm = form("request", .serviceRequestDocuments(id))
            requestForm?.parties = choices(["customer", "merchant"], "party_", chosen: "from", in: "request")
            requestForm?.days = app.config.deadlines.documentRequestDays
        }
        if mediated && file.proposal == nil && !decidedBefore {
            decisionForm = form("decision", .serviceDecision(id))
            decisionForm?.outcomes = choices(ServiceOutcome.allCases.map(\.rawValue), "outcome_", chosen: "outcome", in: "decision")
            decisionForm?.amount =
                failedForm == "decision" ? typed?.text("amount") ?? "" : f.amountInput(file.reply?.amount ?? file.orderValue)
            decisionForm?.currency = file.orderValue.currency.code
            decisionForm?.approvalAbove = f.money(app.config.payoutApprovalThreshold(in: context.shop.coverageLimit.currency))
        }
        let proposal = file.proposal.map { p in
            let reviewer = p.agentID != agentID && !decidedBefore
            return ProposalView(
                amount: f.money(p.amount), proposer: agents[p.agentID] ?? t("actor_service"), proposedAt: f.dateTime(p.at),
                text: p.text, approveAction: reviewer ? SiteRoute.serviceApprovePayout(id).path : nil,
                returnForm: reviewer ? form("return_payout", .serviceReturnPayout(id)) : nil)
        }
        var appealNotice: String?
        if let appeal = file.appeal, file.state == .escalated {
            appealNotice = t.format(
                decidedBefore ? "service_appeal_decided_before" : "service_appeal_notice",
                ["party": t("party_" + appeal.party.rawValue), "date": f.dateTime(appeal.at)])
        }
        let model = ServiceCasePage(
            case: view, shopHref: SiteRoute.serviceShop(context.shop.id).path, shopInsolvent: context.shop.isInsolvent,
            coverageLimit: f.money(context.shop.coverageLimit), assignedTo: file.assignedAgentID.flatMap { agents[$0] },
            requests: requests.map { RequestItem(party: t("party_" + $0.party.rawValue), text: $0.text, due: f.dateTime($0.dueAt)) },
            queueHref: SiteRoute.serviceQueue.path, generalError: pages.words(rejection?.general, t),
            assignAction: open && file.assignedAgentID != agentID ? SiteRoute.serviceAssign(id).path : nil,
            noteForm: open ? form("note", .serviceNote(id)) : nil,
            answerForm: file.kind == .inquiry && file.state == .open ? form("answer", .serviceAnswerInquiry(id)) : nil,
            messageForm: messageForm, requestForm: requestForm, decisionForm: decisionForm, proposal: proposal,
            appealNotice: appealNotice)
        let title = t.format(file.kind == .inquiry ? "service_inquiry_title" : "case_title", ["number": view.number])
        return pages.render(Page(template: Template.serviceCase, title: title, model: model, status: rejection?.status ?? 200), ctx)
    }
}
