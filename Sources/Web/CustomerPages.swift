import FastCGI
import Foundation
import GRDB
import Operations
import Protection
import Rendering
import Store

/// The customer's pages: their protections, the four-option feedback form, their case
/// with the answer form, and messages while the service team mediates.
struct CustomerPages {
    let pages: Pages
    var app: App { pages.app }

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        let email: String
        switch pages.requireCustomer(ctx) {
        case .allowed(let e): email = e
        case .answered(let response): return response
        }
        switch (route, form) {
        case (.account, nil): return try account(ctx, email: email)
        case (.protection(let id), nil): return try protection(id, ctx, email: email)
        case (.protectionFeedback(let id), let form?): return try feedback(id, ctx, form)
        case (.customerCase(let id), nil): return try caseView(id, ctx)
        case (.customerAnswer(let id), let form?): return try answer(id, ctx, form)
        case (.customerMessages(let id), let form?): return try message(id, ctx, form)
        case (.customerReturn(let id), let form?): return try sendReturn(id, ctx, form)
        case (.customerAppeal(let id), let form?): return try appeal(id, ctx, form)
        default: return pages.error(404, ctx)
        }
    }

    private func account(_ ctx: RequestContext, email: String) throws -> HTTPResponse {
        let now = app.now()
        let rows = try app.database.read { db in
            try Row.fetchAll(db.cachedStatement(sql: ListSQL.account), arguments: [email])
        }
        let pageLocale = rows.first.flatMap { AppLocale(rawValue: $0["locale"]) }
        let t = pages.catalog(ctx, pageDefault: pageLocale)
        let f = pages.format(ctx, pageDefault: pageLocale)
        let items = try rows.map { row in
            let p = try ProtectionRecord(row: row)
            let active = p.facts.isActive(at: now)
            let stateKey = p.state == .active && !active ? "expired" : p.state.rawValue
            var item = AccountProtection(
                shop: row["shop_name"], orderNumber: p.orderNumber, orderDate: f.date(p.orderDate), value: f.money(p.value),
                href: SiteRoute.protection(p.id).path, state: stateKey, stateLabel: t.label("protection_state", stateKey),
                urgent: false)
            if let caseID: String = row["case_id"], let caseState = (row["case_state"] as String?).flatMap(CaseState.init(rawValue:)) {
                item.caseLabel = t.format(
                    "account_case",
                    [
                        "number": "#\(row["case_number"] as Int)",
                        "state": t.label("state", caseState.rawValue),
                    ])
                item.nextHref = SiteRoute.customerCase(caseID).path
                switch caseState {
                case .awaitingCustomer:
                    let due = row.date("c_customer_due") ?? now
                    item.nextLabel = t.format("account_next_answer", ["days": daysLeftLabel(until: due, now: now, t)])
                    item.urgent = true
                case .escalated: item.nextLabel = t(.account_next_service)
                case .awaitingMerchant: item.nextLabel = t(.account_next_wait_merchant)
                default: item.nextLabel = t(.account_next_view_case)
                }
            } else if active {
                item.nextHref = SiteRoute.protection(p.id).path + "#feedback"
                item.nextLabel = t.format("account_next_feedback", ["date": f.date(p.expiresAt)])
            }
            return item
        }
        return pages.render(
            Page(
                template: Template.customerAccount, title: t(.account_title), model: AccountPage(protections: items),
                locale: pageLocale), ctx)
    }

    private func loadProtection(_ id: String, email: String) throws -> (ProtectionRecord, ShopRecord, CaseRecord?, [CaseRecord]) {
        try app.database.read { db in
            guard let p = try ProtectionRecord.find(db, id: id), p.customerEmail == email,
                let shop = try ShopRecord.find(db, id: p.shopID)
            else { throw NotFound() }
            let claim = try CaseRecord.claim(db, protectionID: p.id)
            let inquiries = try CaseRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM cases WHERE protection_id = ? AND kind = 'inquiry' ORDER BY opened_at"),
                arguments: [p.id])
            return (p, shop, claim, inquiries)
        }
    }

    private func protection(
        _ id: String, _ ctx: RequestContext, email: String, rejection: FormRejection? = nil,
        typed: FormBody? = nil
    ) throws -> HTTPResponse {
        let (p, shop, claim, inquiries) = try loadProtection(id, email: email)
        let t = pages.catalog(ctx, pageDefault: p.locale)
        let f = pages.format(ctx, pageDefault: p.locale)
        let now = app.now()
        let active = p.facts.isActive(at: now)
        let chosen = typed?.value("option")
        let options = FeedbackOption.allCases.map { option in
            FeedbackChoice(
                value: option.rawValue, label: t("feedback_" + option.rawValue),
                hint: t("feedback_" + option.rawValue + "_hint"), checked: option.rawValue == chosen)
        }
        let stateKey = p.state == .active && !active ? "expired" : p.state.rawValue
        let model = ProtectionPage(
            shop: shop.name, orderNumber: p.orderNumber, orderDate: f.date(p.orderDate), value: f.money(p.value),
            expires: f.date(p.expiresAt), state: stateKey, stateLabel: t.label("protection_state", stateKey), showForm: active,
            daysLeft: daysLeftLabel(until: p.expiresAt, now: now, t), action: SiteRoute.protectionFeedback(p.id).path,
            options: options, message: typed?.text("message") ?? "", errors: pages.fieldErrors(rejection, t),
            generalError: pages.words(rejection?.general, t), maxFiles: pages.maxFiles, maxFileMb: pages.maxFileMB,
            upload: PartyMessageForm(action: SiteRoute.protectionFeedback(p.id).path, formId: "feedback"),
            caseHref: claim.map { SiteRoute.customerCase($0.id).path },
            caseLabel: claim.map {
                t.format("protection_case_link", ["number": "#\($0.number)", "state": t.label("state", $0.file.state.rawValue)])
            },
            inquiries: inquiries.map { inquiry in
                InquiryLink(
                    href: SiteRoute.customerCase(inquiry.id).path,
                    label: t.format(
                        "protection_inquiry_link",
                        [
                            "date": f.date(inquiry.file.openedAt), "state": t("inquiry_state_" + inquiry.file.state.rawValue),
                        ]))
            })
        let status = rejection?.status ?? 200
        return pages.render(
            Page(
                template: Template.customerProtection, title: t.format("protection_title", ["order": p.orderNumber]),
                model: model, status: status, locale: p.locale), ctx)
    }

    private func feedback(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        do {
            guard let option = form.value("option").flatMap(FeedbackOption.init(rawValue:)) else {
                throw FormRejection.field("option", "error_option_choose")
            }
            let uploads = try pages.uploads(form)
            switch try app.giveFeedback(
                protectionID: id, viewer: ctx.viewer, option: option, message: form.text("message"), uploads: uploads)
            {
            case .completed: return seeOther(SiteRoute.protection(id).path + "?done=feedback_completed", ctx)
            case .caseOpened(let caseID): return seeOther(SiteRoute.customerCase(caseID).path + "?done=case_opened", ctx)
            case .inquirySent(let caseID): return seeOther(SiteRoute.customerCase(caseID).path + "?done=inquiry_sent", ctx)
            case .alreadyOpened(let caseID): return seeOther(SiteRoute.customerCase(caseID).path + "?done=already_opened", ctx)
            }
        } catch let rejection as FormRejection {
            guard case .customer(let email) = ctx.viewer else { throw NotFound() }
            return try protection(id, ctx, email: email, rejection: rejection, typed: form)
        }
    }

    private func caseView(_ id: String, _ ctx: RequestContext, rejection: FormRejection? = nil, typed: FormBody? = nil) throws
        -> HTTPResponse
    {
        let now = app.now()
        // The page's language is the protection's, known once the case is read.
        let (context, t, f, view, requests) = try app.readCase(id, viewer: ctx.viewer) { context, db in
            let t = pages.catalog(ctx, pageDefault: context.protection.locale)
            let f = pages.format(ctx, pageDefault: context.protection.locale)
            return (
                context, t, f, try CaseView.build(context, viewer: ctx.viewer, db: db, t: t, f: f, now: now),
                try DocumentRequests.open(db, caseID: id).filter { $0.party == .customer }
            )
        }
        let locale = context.protection.locale
        let file = context.record.file
        var answerForm: AnswerForm?
        if file.state == .awaitingCustomer, let reply = file.reply, !view.deadlinePassed {
            let chosen = typed?.value("answer")
            answerForm = AnswerForm(
                action: SiteRoute.customerAnswer(id).path,
                answers: reply.variant.answers.map { answer in
                    Choice(value: answer.rawValue, label: t("answer_" + answer.rawValue), checked: answer.rawValue == chosen)
                },
                variantIntro: t("answer_intro_" + reply.variant.rawValue.lowercased()), formId: "answer")
        }
        let mediated = file.state == .escalated && file.kind == .claim
        let deadlines = app.deadlines(for: context.shop)
        var returnForm: ReturnForm?
        if file.awaitsReturnShipment && !view.deadlinePassed {
            let chosen = typed?.value("carrier")
            returnForm = ReturnForm(
                action: SiteRoute.customerReturn(id).path, formId: "return",
                carriers: ReturnCarrier.allCases.map {
                    SelectOption(value: $0.rawValue, label: t("carrier_" + $0.rawValue), selected: $0.rawValue == chosen)
                },
                tracking: typed?.text("tracking") ?? "",
                pauseHint: t.format("return_pause_hint", ["days": String(deadlines.returnDays)]))
        }
        let appealEnds = file.appealWindow(at: now, deadlines: deadlines)
        let model = CustomerCasePage(
            case: view, errors: pages.fieldErrors(rejection, t), generalError: pages.words(rejection?.general, t),
            message: typed?.text("message") ?? "", protectionHref: SiteRoute.protection(context.protection.id).path,
            maxFiles: pages.maxFiles, maxFileMb: pages.maxFileMB, answerForm: answerForm,
            messageForm: mediated ? PartyMessageForm(action: SiteRoute.customerMessages(id).path, formId: "message") : nil,
            returnForm: returnForm,
            appealForm: appealEnds.map { AppealForm(action: SiteRoute.customerAppeal(id).path, formId: "appeal", until: f.dateTime($0)) },
            requests: mediated ? requests.map { RequestItem(party: nil, text: $0.text, due: f.dateTime($0.dueAt)) } : [])
        let title = file.kind == .inquiry ? t(.inquiry_title) : t.format("case_title", ["number": view.number])
        return pages.render(
            Page(template: Template.customerCase, title: title, model: model, status: rejection?.status ?? 200, locale: locale), ctx)
    }

    private func answer(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        try pages.submit(
            form, ctx, then: SiteRoute.customerCase(id).path + "?done=answer_sent",
            { uploads in
                _ = try app.answer(
                    caseID: id, viewer: ctx.viewer, answer: form.value("answer"), message: form.text("message"), uploads: uploads)
            }, orShowAgain: { try caseView(id, ctx, rejection: $0, typed: form) })
    }

    private func sendReturn(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        try pages.submit(
            form, ctx, then: SiteRoute.customerCase(id).path + "?done=return_sent",
            { uploads in
                _ = try app.sendReturn(
                    caseID: id, viewer: ctx.viewer, carrier: form.value("carrier"), tracking: form.text("tracking"), uploads: uploads)
            }, orShowAgain: { try caseView(id, ctx, rejection: $0, typed: form) })
    }

    private func appeal(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        try pages.submit(
            form, ctx, then: SiteRoute.customerCase(id).path + "?done=appealed",
            { uploads in
                _ = try app.appeal(caseID: id, viewer: ctx.viewer, message: form.text("message"), uploads: uploads)
            }, orShowAgain: { try caseView(id, ctx, rejection: $0, typed: form) })
    }

    private func message(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        try pages.submit(
            form, ctx, then: SiteRoute.customerCase(id).path + "?done=message_sent",
            { uploads in
                _ = try app.partyMessage(caseID: id, viewer: ctx.viewer, message: form.text("message"), uploads: uploads)
            }, orShowAgain: { try caseView(id, ctx, rejection: $0, typed: form) })
    }
}
