import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// `/merchant/settings`: the shop's own settings for a merchant who owns it (anyone else
/// gets 404). A new API key is shown in the answer to the post that made it (200,
/// no-store) and never again.
struct ShopSettingsPages {
    let pages: Pages
    var app: App { pages.app }

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        let shopID: String
        switch pages.requireOwner(ctx) {
        case .allowed(let id): shopID = id
        case .answered(let response): return response
        }
        switch (route, form) {
        case (.merchantSettings, nil): return try page(shopID, ctx)
        case (.merchantNotificationEmails, let form?):
            do {
                _ = try app.setNotificationEmails(shopID: shopID, text: String(form.text("emails").prefix(4000)), by: ctx.auditActor)
                return seeOther(SiteRoute.merchantSettings.path + "?done=settings_saved", ctx)
            } catch let rejection as FormRejection {
                return try page(shopID, ctx, rejection: rejection, typedEmails: form.text("emails"))
            }
        case (.merchantAPIKeys, let form?):
            do {
                let key = try app.createAPIKey(shopID: shopID, name: String(form.text("name").prefix(200)), by: ctx.auditActor)
                return try page(shopID, ctx, newKey: key)
            } catch let rejection as FormRejection {
                return try page(shopID, ctx, rejection: rejection, typedName: form.text("name"))
            }
        case (.merchantAPIKeyRevoke, let form?):
            try app.revokeAPIKey(id: String(form.text("key").prefix(64)), shopID: shopID, by: ctx.auditActor)
            return seeOther(SiteRoute.merchantSettings.path + "?done=api_key_revoked", ctx)
        case (.merchantColleagues, let form?):
            do {
                try app.inviteColleague(shopID: shopID, email: String(form.text("email").prefix(300)), by: ctx.auditActor)
                return seeOther(SiteRoute.merchantSettings.path + "?done=colleague_invited", ctx)
            } catch let rejection as FormRejection {
                return try page(shopID, ctx, rejection: rejection, typedInvite: form.text("email"))
            }
        case (.merchantColleagueDeactivate, let form?):
            try app.deactivateColleague(id: String(form.text("user").prefix(64)), shopID: shopID, by: ctx.auditActor)
            return seeOther(SiteRoute.merchantSettings.path + "?done=colleague_deactivated", ctx)
        default: return pages.error(404, ctx)
        }
    }

    private func page(
        _ shopID: String, _ ctx: RequestContext, rejection: FormRejection? = nil, typedEmails: String? = nil,
        typedName: String? = nil, newKey: String? = nil, typedInvite: String? = nil
    ) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let (shop, keys, colleagues) = try app.database.read { db in
            guard let shop = try ShopRecord.find(db, id: shopID) else { throw NotFound() }
            return (shop, try APIKeys.all(db, shopID: shopID), try UserRecord.merchants(db, shopID: shopID))
        }
        let model = MerchantSettingsPage(
            shop: shop.name, emails: typedEmails ?? shop.notificationEmails.joined(separator: "\n"),
            emailsAction: SiteRoute.merchantNotificationEmails.path,
            keys: keys.map { key in
                APIKeyRow(id: key.id, name: key.name, created: f.date(key.createdAt), revoked: key.revokedAt.map(f.date))
            },
            keyAction: SiteRoute.merchantAPIKeys.path, revokeAction: SiteRoute.merchantAPIKeyRevoke.path, keyName: typedName ?? "",
            newKey: newKey,
            colleagues: colleagues.map { user in
                let state: String
                if let deactivated = user.deactivatedAt {
                    state = t("colleague_deactivated") + " " + f.date(deactivated)
                } else if user.passwordHash.isEmpty {
                    state = t("colleague_invited")
                } else {
                    state = user.owner ? t("colleague_owner") : t("colleague_active")
                }
                return ColleagueRow(
                    id: user.id, email: user.email, state: state,
                    canDeactivate: user.deactivatedAt == nil && user.id != ctx.user?.id)
            },
            colleagueAction: SiteRoute.merchantColleagues.path, deactivateAction: SiteRoute.merchantColleagueDeactivate.path,
            inviteEmail: typedInvite ?? "", webhooksHref: SiteRoute.webhooks(.merchant).path, apiDocsHref: SiteRoute.apiDocs.path,
            errors: pages.fieldErrors(rejection, t))
        var response = pages.render(
            Page(template: Template.merchantSettings, title: t(.shop_settings_title), model: model, status: rejection?.status ?? 200), ctx)
        response.setHeader("Cache-Control", "no-store")
        return response
    }
}
