import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// A shop's webhook endpoints: for the shop's owner at `/merchant/webhooks`, for admins at
/// `/service/shops/{id}/webhooks`. Anyone else gets 404. A new or rotated secret is shown
/// in the answer to the post that made it (200, no-store), never again: it is the only
/// page that has it, so it is not behind a redirect.
struct WebhookPages {
    let pages: Pages
    var app: App { pages.app }

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        let area: WebhookArea
        switch route {
        case .webhooks(let a), .webhook(let a, _), .webhookAction(let a, _, _): area = a
        default: return pages.error(404, ctx)
        }
        let shopID: String
        switch area {
        case .merchant:
            switch pages.requireOwner(ctx) {
            case .allowed(let id): shopID = id
            case .answered(let response): return response
            }
        case .service(let id):
            switch pages.requireAdmin(ctx) {
            case .allowed: shopID = id
            case .answered(let response): return response
            }
        }
        guard let shop = try app.database.read({ db in try ShopRecord.find(db, id: shopID) }) else { return pages.error(404, ctx) }
        switch (route, form) {
        case (.webhooks, nil): return try list(area, shop, ctx)
        case (.webhooks, let form?): return try add(area, shop, ctx, form)
        case (.webhook(_, let id), nil): return try endpoint(id, area, shop, ctx, newSecret: nil)
        case (.webhookAction(_, let id, .rotate), _?):
            let rotated = try app.rotateWebhookSecret(id, shopID: shop.id, by: ctx.auditActor)
            return try endpoint(rotated.id, area, shop, ctx, newSecret: rotated.secret)
        case (.webhookAction(_, let id, .delete), _?):
            try app.deleteWebhook(id, shopID: shop.id, by: ctx.auditActor)
            return seeOther(SiteRoute.webhooks(area).path + "?done=webhook_deleted", ctx)
        case (.webhookAction(_, let id, .resend), let form?):
            let delivery = form.text("delivery")
            guard delivery.hasPrefix("dlv_"), SiteRoute.isID(String(delivery.dropFirst(4))) else { return pages.error(404, ctx) }
            try app.resendWebhookDelivery(delivery, endpointID: id, shopID: shop.id, by: ctx.auditActor)
            return seeOther(SiteRoute.webhook(area, id).path + "?done=webhook_resent", ctx)
        default: return pages.error(404, ctx)
        }
    }

    private func list(
        _ area: WebhookArea, _ shop: ShopRecord, _ ctx: RequestContext, rejection: FormRejection? = nil, typed: FormBody? = nil
    ) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let (endpoints, waiting) = try app.database.read { db in
            let endpoints = try WebhookOutbox.endpoints(db, shopID: shop.id)
            return (endpoints, try WebhookOutbox.waitingCounts(db, endpointIDs: endpoints.map(\.id)))
        }
        let chosen = typed.map { Set($0.values("events")) } ?? Set(WebhookEventType.allCases.map(\.rawValue))
        let back: (String, String) =
            switch area {
            case .merchant: (SiteRoute.merchantSettings.path, t(.shop_settings_title))
            case .service: (SiteRoute.serviceShop(shop.id).path, shop.name)
            }
        let model = WebhookListPage(
            shop: shop.name, backHref: back.0, backLabel: back.1, docsHref: SiteRoute.apiDocs.path + "#webhooks",
            endpoints: endpoints.map { endpoint in
                WebhookRow(
                    url: endpoint.url, href: SiteRoute.webhook(area, endpoint.id).path,
                    events: endpoint.events.map(\.rawValue).joined(separator: ", "), created: f.date(endpoint.createdAt),
                    waiting: waiting[endpoint.id])
            },
            action: SiteRoute.webhooks(area).path, url: typed?.text("url") ?? "",
            eventChoices: WebhookEventType.allCases.map { type in
                WebhookEventChoice(
                    id: type.rawValue.replacingOccurrences(of: ".", with: "-"), value: type.rawValue,
                    label: t("webhook_event_" + type.rawValue.replacingOccurrences(of: ".", with: "_")),
                    selected: chosen.contains(type.rawValue))
            },
            errors: pages.fieldErrors(rejection, t))
        return pages.render(
            Page(template: Template.webhooksList, title: t(.webhooks_title), model: model, status: rejection?.status ?? 200), ctx)
    }

    private func add(_ area: WebhookArea, _ shop: ShopRecord, _ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        do {
            let added = try app.addWebhook(
                shopID: shop.id, url: String(form.text("url").prefix(4000)), events: form.values("events"), by: ctx.auditActor)
            return try endpoint(added.id, area, shop, ctx, newSecret: added.secret)
        } catch let rejection as FormRejection {
            return try list(area, shop, ctx, rejection: rejection, typed: form)
        }
    }

    private func endpoint(_ id: String, _ area: WebhookArea, _ shop: ShopRecord, _ ctx: RequestContext, newSecret: String?) throws
        -> HTTPResponse
    {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        let (endpoint, log) = try app.webhookLog(id, shopID: shop.id)
        let overlap = endpoint.previousSecretUntil.flatMap { $0 > now && endpoint.previousSecret != nil ? $0 : nil }
        let model = WebhookPage(
            shop: shop.name, listHref: SiteRoute.webhooks(area).path, url: endpoint.url, events: endpoint.events.map(\.rawValue),
            created: f.dateTime(endpoint.createdAt), newSecret: newSecret, previousSecretUntil: overlap.map(f.dateTime),
            rotateAction: SiteRoute.webhookAction(area, id, .rotate).path, deleteAction: SiteRoute.webhookAction(area, id, .delete).path,
            resendAction: SiteRoute.webhookAction(area, id, .resend).path,
            deliveries: log.map { d in
                WebhookDeliveryRow(
                    id: d.id, event: d.eventType, created: f.dateTime(d.createdAt), state: d.state.rawValue,
                    stateLabel: t("webhook_state_" + d.state.rawValue), status: d.lastStatus.map(String.init) ?? "–",
                    duration: d.lastDurationMs.map { "\($0) ms" } ?? "–", attempts: d.attempts,
                    next: d.state == .pending && d.attempts > 0 ? f.dateTime(d.nextAttemptAt) : "", error: d.lastError ?? "")
            })
        var response = pages.render(Page(template: Template.webhooksEndpoint, title: t(.webhooks_title), model: model), ctx)
        response.setHeader("Cache-Control", "no-store")
        return response
    }
}
