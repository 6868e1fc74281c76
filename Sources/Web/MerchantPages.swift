import FastCGI
import Foundation
import GRDB
import Operations
import Protection
import Rendering
import Store

/// The Control Centre: the shop's cases, a case with its facts and timeline, the reply
/// form, and messages while the service team mediates.
struct MerchantPages {
    let pages: Pages
    var app: App { pages.app }
    static let pageSize = 50

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        let shopID: String
        switch pages.requireMerchant(ctx) {
        case .allowed(let m): shopID = m.shopID
        case .answered(let response): return response
        }
        switch (route, form) {
        case (.merchantCases, nil): return try list(ctx, shopID: shopID)
        case (.merchantSearch, nil): return try SearchPages(pages: pages).merchant(ctx, shopID: shopID)
        case (.merchantExport, nil): return try ExportPages(pages: pages).respond(ctx, shopID: shopID, role: .merchant)
        case (.merchantCase(let id), nil): return try caseView(id, ctx)
        case (.merchantReply(let id), nil): return try replyForm(id, ctx)
        case (.merchantReply(let id), let form?): return try reply(id, ctx, form)
        case (.merchantMessages(let id), let form?): return try message(id, ctx, form)
        case (.merchantReturnReceipt(let id), let form?): return try confirmReturn(id, ctx, form)
        case (.merchantAppeal(let id), let form?): return try appeal(id, ctx, form)
        default: return pages.error(404, ctx)
        }
    }

    private func list(_ ctx: RequestContext, shopID: String) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        // "returns": the returns waiting for the merchant's confirmation, a to-do list of
        // its own beside the states.
        let returns = ctx.queryValue("state") == "returns"
        let filter = ctx.queryValue("state").flatMap(CaseState.init(rawValue:)).flatMap { $0 == .open ? nil : $0 }
        let page = returns ? 1 : ctx.pageNumber()
        // One line more than a page, read only to know whether a next page exists; each
        // line made as its row is read.
        var rows: [MerchantCaseRow] = []
        rows.reserveCapacity(Self.pageSize + 1)
        let (shop, counts, returnsCount) = try app.database.read { db in
            guard let shop = try ShopRecord.find(db, id: shopID) else { throw NotFound() }
            let each = { (record: CaseListRow) in rows.append(MerchantCaseRow(record, now: now, t, f)) }
            if returns {
                try CaseListing.returnsToConfirm(db, shopID: shopID, limit: Self.pageSize + 1, each: each)
            } else {
                try CaseListing.shopPage(
                    db, shopID: shopID, state: filter, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize, each: each)
            }
            return (shop, try CaseListing.openCounts(db, shopID: shopID), try CaseListing.returnsToConfirmCount(db, shopID: shopID))
        }
        let hasNext = rows.count > Self.pageSize
        if hasNext { rows.removeLast() }
        var filters = [nil, CaseState.awaitingMerchant, .awaitingCustomer, .escalated, .closed].map { state in
            var label = state.map { t.label("state", $0.rawValue) } ?? t(.filter_all)
            if let state, let n = counts[state], n > 0 { label += " (\(n))" }
            return NavItem(
                label: label, href: SiteRoute.merchantCases.path + (state.map { "?state=\($0.rawValue)" } ?? ""),
                current: !returns && state == filter)
        }
        if returnsCount > 0 || returns {
            filters.insert(
                NavItem(
                    label: t("merchant_returns_to_confirm") + " (\(returnsCount))", href: SiteRoute.merchantCases.path + "?state=returns",
                    current: returns), at: 2)
        }
        func pageHref(_ n: Int) -> String {
            SiteRoute.merchantCases.path + "?" + (filter.map { "state=\($0.rawValue)&" } ?? "") + "page=\(n)"
        }
        let waiting = counts[.awaitingMerchant] ?? 0
        let model = MerchantCasesPage(
            search: SearchPages.box(.merchantSearch, query: "", t),
            exportHref: SiteRoute.merchantExport.path + (filter.map { "?state=\($0.rawValue)" } ?? ""),
            shop: shop.name, insolvent: shop.isInsolvent, cases: rows, filters: filters,
            waiting: waiting > 0 ? waiting : nil, previousHref: page > 1 ? pageHref(page - 1) : nil,
            nextHref: !returns && hasNext ? pageHref(page + 1) : nil, page: page)
        return pages.render(Page(template: Template.merchantCases, title: t(.merchant_cases_title), model: model), ctx)
    }

    private func caseView(_ id: String, _ ctx: RequestContext, rejection: FormRejection? = nil, typed: FormBody? = nil) throws
        -> HTTPResponse
    {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        let (context, view, requests) = try app.readCase(id, viewer: ctx.viewer) { context, db in
            (
                context, try CaseView.build(context, viewer: ctx.viewer, db: db, t: t, f: f, now: now),
                // Requests are shown only while the service team mediates.
                Self.isMediated(context) ? try DocumentRequests.open(db, caseID: id).filter { $0.party == .merchant } : []
            )
        }
        // The customer's opening message, from the timeline just read (the merchant may
        // read it there) rather than by one more query.
        let customerMessage = view.timeline.first { $0.kind == EventKind.caseOpened.rawValue }?.text
        let file = context.record.file
        let insolvent = context.shop.isInsolvent
        let mayReply = file.state == .awaitingMerchant && !insolvent && !view.deadlinePassed
        let mediated = Self.isMediated(context)
        let deadlines = app.deadlines(for: context.shop)
        var receiptForm: ReceiptForm?
        if file.awaitsReturnReceipt && !insolvent {
            let chosen = typed?.value("received")
            receiptForm = ReceiptForm(
                action: SiteRoute.merchantReturnReceipt(id).path,
                choices: ["yes", "not_yet"].map { Choice(value: $0, label: t("receipt_" + $0), checked: $0 == chosen) },
                intro: t.format(
                    app.config.businessDays ? "receipt_intro_business" : "receipt_intro", ["days": String(deadlines.refundDays)]))
        }
        let appealEnds = insolvent ? nil : file.appealWindow(at: now, deadlines: deadlines)
        let model = MerchantCasePage(
            case: view, customerMessage: customerMessage, insolvent: insolvent, errors: pages.fieldErrors(rejection, t),
            generalError: pages.words(rejection?.general, t), message: typed?.text("message") ?? "",
            listHref: SiteRoute.merchantCases.path, maxFiles: pages.maxFiles, maxFileMb: pages.maxFileMB,
            replyHref: mayReply ? SiteRoute.merchantReply(id).path : nil,
            messageForm: mediated ? PartyMessageForm(action: SiteRoute.merchantMessages(id).path, formId: "message") : nil,
            receiptForm: receiptForm,
            appealForm: appealEnds.map { AppealForm(action: SiteRoute.merchantAppeal(id).path, formId: "appeal", until: f.dateTime($0)) },
            requests: mediated ? requests.map { RequestItem(party: nil, text: $0.text, due: f.dateTime($0.dueAt)) } : [])
        return pages.render(
            Page(
                template: Template.merchantCase, title: t.format("case_title", ["number": view.number]),
                model: model, status: rejection?.status ?? 200), ctx)
    }

    /// The service team mediates the case, and the merchant may send it messages and
    /// answer its document requests (not once the shop is insolvent).
    private static func isMediated(_ context: CaseContext) -> Bool {
        context.record.file.state == .escalated && !context.shop.isInsolvent
    }

    private func replyForm(_ id: String, _ ctx: RequestContext, rejection: FormRejection? = nil, typed: FormBody? = nil) throws
        -> HTTPResponse
    {
        let (context, customerMessage) = try app.readCase(id, viewer: ctx.viewer) { context, db in
            (context, try EventRecord.openingMessage(db, caseID: id))
        }
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let file = context.record.file
        let now = app.now()
        let closedForReply =
            file.state != .awaitingMerchant || context.shop.isInsolvent
            || (file.merchantDueAt.map { now >= $0 } ?? false)
        if closedForReply && rejection == nil {
            return seeOther(SiteRoute.merchantCase(id).path, ctx)
        }
        let chosen = typed?.value("refund")
        let model = ReplyPage(
            number: "#\(context.record.number)", caseHref: SiteRoute.merchantCase(id).path, action: SiteRoute.merchantReply(id).path,
            orderNumber: context.protection.orderNumber, orderValue: f.money(file.orderValue),
            customerEmail: context.protection.customerEmail, reason: file.reason.map { t.label("reason", $0.rawValue) } ?? "",
            customerMessage: customerMessage,
            options: RefundIntent.allCases.map { intent in
                Choice(value: intent.rawValue, label: t("refund_" + intent.rawValue), checked: intent.rawValue == chosen)
            },
            amount: typed?.value("amount") ?? f.amountInput(file.orderValue), currency: file.orderValue.currency.code,
            message: typed?.text("message") ?? "", errors: pages.fieldErrors(rejection, t),
            generalError: pages.words(rejection?.general, t), due: file.merchantDueAt.map(f.dateTime),
            daysLeft: file.merchantDueAt.map { daysLeftLabel(until: $0, now: now, t) }, maxFiles: pages.maxFiles,
            maxFileMb: pages.maxFileMB, closed: closedForReply, formId: "reply")
        return pages.render(
            Page(
                template: Template.merchantReply, title: t.format("reply_title", ["number": "#\(context.record.number)"]),
                model: model, status: rejection?.status ?? 200), ctx)
    }

    private func reply(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        try pages.submit(
            form, ctx, then: SiteRoute.merchantCase(id).path + "?done=reply_sent",
            { uploads in
                _ = try app.reply(
                    caseID: id, viewer: ctx.viewer, refund: form.value("refund"), amount: form.value("amount"),
                    message: form.text("message"), uploads: uploads)
            }, orShowAgain: { try replyForm(id, ctx, rejection: $0, typed: form) })
    }

    private func confirmReturn(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        let done = form.value("received") == "yes" ? "return_confirmed" : "return_not_yet"
        return try pages.submit(
            form, ctx, then: SiteRoute.merchantCase(id).path + "?done=" + done,
            { _ in
                _ = try app.confirmReturn(caseID: id, viewer: ctx.viewer, received: form.value("received"), message: form.text("message"))
            }, orShowAgain: { try caseView(id, ctx, rejection: $0, typed: form) })
    }

    private func appeal(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        try pages.submit(
            form, ctx, then: SiteRoute.merchantCase(id).path + "?done=appealed",
            { uploads in
                _ = try app.appeal(caseID: id, viewer: ctx.viewer, message: form.text("message"), uploads: uploads)
            }, orShowAgain: { try caseView(id, ctx, rejection: $0, typed: form) })
    }

    private func message(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        try pages.submit(
            form, ctx, then: SiteRoute.merchantCase(id).path + "?done=message_sent",
            { uploads in
                _ = try app.partyMessage(caseID: id, viewer: ctx.viewer, message: form.text("message"), uploads: uploads)
            }, orShowAgain: { try caseView(id, ctx, rejection: $0, typed: form) })
    }
}

extension MerchantCaseRow {
    /// A line of the Control Centre's list (and of its search results), with the reply
    /// deadline and the days left while the case waits for the merchant.
    init(_ record: CaseListRow, now: Date, _ t: Catalog, _ f: LocaleFormat) {
        let due = record.returnDueAt ?? (record.state == .awaitingMerchant ? record.merchantDueAt : nil)
        self.init(
            href: CaseLink(page: .merchant, id: record.id), number: CaseNumberText(number: record.number), orderNumber: record.orderNumber,
            customer: record.customerEmail, value: MoneyText(money: record.value, format: f),
            reason: record.reason.map { t.words($0) } ?? .empty, state: StateName(state: record.state),
            stateLabel: record.returnDueAt != nil ? t.words(.state_return_travelling) : t.words(record.state),
            opened: DateText(date: record.openedAt, format: f, withTime: false),
            due: due.map { DateText(date: $0, format: f, withTime: true) },
            daysLeft: due.map { t.daysLeftWords(until: $0, now: now) },
            urgent: due.map { Deadlines.daysLeft(until: $0, from: now) <= 1 } ?? false)
    }
}
