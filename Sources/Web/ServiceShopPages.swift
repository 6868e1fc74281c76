import FastCGI
import Foundation
import GRDB
import Operations
import Protection
import Rendering
import Store

/// A shop as the service team sees it (and marks it insolvent), and the outbox.
struct ServiceShopPages {
    let pages: Pages
    var app: App { pages.app }

    func shop(_ id: String, _ ctx: RequestContext, rejection: FormRejection? = nil, typed: String? = nil) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        let (shop, byState, active, merchants) = try app.database.read { db in
            guard let shop = try ShopRecord.find(db, id: id) else { throw NotFound() }
            let byState = try Row.fetchAll(db.cachedStatement(sql: ListSQL.shopCasesByState), arguments: [id])
            let active = try Int.fetchOne(db.cachedStatement(sql: ListSQL.shopActiveProtections), arguments: [id, now]) ?? 0
            let merchants = try String.fetchAll(
                db.cachedStatement(sql: "SELECT email FROM users WHERE shop_id = ? ORDER BY email"), arguments: [id])
            return (shop, byState, active, merchants)
        }
        var counts: [String: Int] = [:]
        for row in byState { counts[row["state"]] = row["n"] }
        let model = ShopPage(
            name: shop.name, emails: shop.notificationEmails, merchants: merchants, currency: shop.currency.code,
            coverageLimit: f.money(shop.coverageLimit), locale: t("language_" + shop.locale.rawValue), created: f.date(shop.createdAt),
            insolventSince: shop.insolventAt.map(f.dateTime),
            states: CaseState.allCases.filter { $0 != .open }.map { state in
                CountRow(label: t.label("state", state.rawValue), count: counts[state.rawValue] ?? 0)
            },
            activeProtections: active, queueHref: SiteRoute.serviceQueue.path + "?shop=\(id)",
            exportHref: SiteRoute.serviceExport.path + "?shop=\(id)",
            action: SiteRoute.serviceInsolvency(id).path, errors: pages.fieldErrors(rejection, t),
            generalError: pages.words(rejection?.general, t), confirm: typed ?? "",
            webhooksHref: ctx.user?.admin == true ? SiteRoute.webhooks(.service(shopID: id)).path : nil)
        return pages.render(Page(template: Template.serviceShop, title: shop.name, model: model, status: rejection?.status ?? 200), ctx)
    }

    func insolvency(_ id: String, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        do {
            _ = try app.markInsolvent(shopID: id, viewer: ctx.viewer, confirmation: form.text("confirm"))
            return seeOther(SiteRoute.serviceShop(id).path + "?done=shop_insolvent", ctx)
        } catch let rejection as FormRejection {
            return try shop(id, ctx, rejection: rejection, typed: form.text("confirm"))
        }
    }

    func mail(_ ctx: RequestContext) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let (waiting, recent) = try app.database.read { db in
            (
                try OutboxEntry.fetchAll(db.cachedStatement(sql: ListSQL.mailWaiting)),
                try OutboxEntry.fetchAll(db.cachedStatement(sql: ListSQL.mailRecent))
            )
        }
        func row(_ entry: OutboxEntry) -> MailRow {
            MailRow(
                to: entry.mail.to, subject: entry.mail.subject.isEmpty ? t(.mail_unworded) : entry.mail.subject,
                state: entry.state.rawValue, stateLabel: t("mail_state_" + entry.state.rawValue), attempts: entry.attempts,
                next: entry.state == .failed ? "" : f.dateTime(entry.nextAttemptAt), error: entry.lastError ?? "",
                sent: entry.sentAt.map(f.dateTime) ?? "", href: SiteRoute.serviceMailMessage(String(entry.id)).path,
                retryAction: entry.state == .sent || entry.state == .sending ? nil : SiteRoute.serviceMailRetry(String(entry.id)).path)
        }
        let failed = waiting.filter { $0.state == .failed }.count
        let model = MailPage(waiting: waiting.map(row), failedCount: failed > 0 ? failed : nil, recent: recent.map(row))
        return pages.render(Page(template: Template.serviceMail, title: t(.mail_page_title), model: model), ctx)
    }

    /// One email as its recipient got it, with the tokens of sign-in and password links
    /// hidden: an agent must not be able to sign in as a customer or a colleague.
    func message(_ id: String, _ ctx: RequestContext) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        guard let number = Int64(id), let entry = try app.database.read({ db in try Outbox.find(db, id: number) }) else {
            return pages.error(404, ctx)
        }
        let model = MailMessagePage(
            to: entry.mail.to, subject: entry.mail.subject.isEmpty ? t(.mail_unworded) : entry.mail.subject, state: entry.state.rawValue,
            stateLabel: t("mail_state_" + entry.state.rawValue), sent: entry.sentAt.map(f.dateTime),
            text: MailRedaction.hideTokens(entry.mail.textBody), html: MailRedaction.hideTokens(entry.mail.htmlBody),
            backHref: SiteRoute.serviceMail.path)
        return pages.render(Page(template: Template.serviceMailMessage, title: model.subject, model: model), ctx)
    }

    func retry(_ id: String, _ ctx: RequestContext) throws -> HTTPResponse {
        guard let number = Int64(id), try app.retryMail(id: number, viewer: ctx.viewer) else { return pages.error(404, ctx) }
        return seeOther(SiteRoute.serviceMail.path + "?done=mail_retry", ctx)
    }
}
