import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// `/service/admin`: shops and staff for admin agents (404 for anyone else). A new shop's
/// API key and a rotated one are shown in the answer to the post (200, no-store) and
/// never again.
struct AdminPages {
    let pages: Pages
    var app: App { pages.app }

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        if case .answered(let response) = pages.requireAdmin(ctx) { return response }
        switch (route, form) {
        case (.serviceAdmin, nil): return try page(ctx)
        case (.serviceAdminShops, let form?):
            do {
                let shop = try app.createShop(
                    name: String(form.text("name").prefix(300)), emails: String(form.text("emails").prefix(4000)),
                    currency: String(form.text("currency").prefix(10)), coverageLimit: String(form.text("amount").prefix(40)),
                    locale: String(form.text("locale").prefix(10)), by: ctx.auditActor)
                return try page(ctx, newKey: (shop.id, shop.apiKey))
            } catch let rejection as FormRejection {
                return try page(ctx, rejection: rejection, typed: form)
            }
        case (.serviceAdminShopKey(let id), _?):
            let key = try app.rotateShopKey(shopID: id, by: ctx.auditActor)
            return try page(ctx, newKey: (id, key))
        case (.serviceAdminUsers, let form?):
            do {
                let role = UserRecord.UserRole(rawValue: form.text("role")) ?? .merchant
                let shop = form.text("shop").trimmingCharacters(in: .whitespaces)
                try app.invite(
                    email: String(form.text("email").prefix(300)), role: role, shopID: shop.isEmpty ? nil : String(shop.prefix(64)),
                    owner: form.value("owner") == "1", admin: form.value("admin") == "1", by: ctx.auditActor)
                return seeOther(SiteRoute.serviceAdmin.path + "?done=colleague_invited", ctx)
            } catch let rejection as FormRejection {
                return try page(ctx, rejection: rejection, typed: form)
            }
        case (.serviceAdminShop(let id), nil): return try shopForm(id, ctx)
        case (.serviceAdminShop(let id), let form?):
            do {
                try app.editShop(
                    id: id, name: String(form.text("name").prefix(300)), emails: String(form.text("emails").prefix(4000)),
                    coverageLimit: String(form.text("amount").prefix(40)), locale: String(form.text("locale").prefix(10)),
                    by: ctx.auditActor)
                return seeOther(SiteRoute.serviceAdminShop(id).path + "?done=settings_saved", ctx)
            } catch let rejection as FormRejection {
                return try shopForm(id, ctx, rejection: rejection, typed: form)
            }
        case (.serviceAdminUserState, let form?) where form.value("two_step") == "reset":
            try app.resetTwoStep(userID: String(form.text("user").prefix(64)), by: ctx.auditActor)
            return seeOther(SiteRoute.serviceAdmin.path + "?done=two_step_reset", ctx)
        case (.serviceAdminUserState, let form?):
            let active = form.text("active") == "1"
            try app.setUserActive(id: String(form.text("user").prefix(64)), active: active, by: ctx.auditActor)
            return seeOther(SiteRoute.serviceAdmin.path + "?done=" + (active ? "user_reactivated" : "colleague_deactivated"), ctx)
        default: return pages.error(404, ctx)
        }
    }

    private func shopForm(_ id: String, _ ctx: RequestContext, rejection: FormRejection? = nil, typed: FormBody? = nil) throws
        -> HTTPResponse
    {
        let t = pages.catalog(ctx)
        guard let shop = try app.database.read({ db in try ShopRecord.find(db, id: id) }) else { throw NotFound() }
        let locale = typed?.text("locale") ?? shop.locale.rawValue
        let model = AdminShopPage(
            shop: shop.name, shopHref: SiteRoute.serviceShop(id).path, action: SiteRoute.serviceAdminShop(id).path,
            name: typed?.text("name") ?? shop.name, emails: typed?.text("emails") ?? shop.notificationEmails.joined(separator: "\n"),
            currency: shop.currency.code, amount: typed?.text("amount") ?? shop.coverageLimit.plainDecimal,
            locales: AppLocale.allCases.map {
                SelectOption(value: $0.rawValue, label: t("language_" + $0.rawValue), selected: $0.rawValue == locale)
            },
            errors: pages.fieldErrors(rejection, t))
        return pages.render(
            Page(template: Template.serviceAdminShop, title: shop.name, model: model, status: rejection?.status ?? 200), ctx)
    }

    private func page(
        _ ctx: RequestContext, rejection: FormRejection? = nil, typed: FormBody? = nil, newKey: (shopID: String, key: String)? = nil
    ) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let shopsPage = ctx.pageNumber("shops")
        let staffPage = ctx.pageNumber("staff")
        let shopsRead = try app.shops(limit: Self.pageSize + 1, offset: (shopsPage - 1) * Self.pageSize)
        let staffRead = try app.staff(limit: Self.pageSize + 1, offset: (staffPage - 1) * Self.pageSize)
        let shops = shopsRead.prefix(Self.pageSize)
        let staff = staffRead.prefix(Self.pageSize)
        let names = try app.shopNames(Set(staff.compactMap(\.shopID) + [newKey?.shopID].compactMap { $0 }))
        func href(shops: Int, staff: Int) -> String {
            var query: [String] = []
            if shops > 1 { query.append("shops=\(shops)") }
            if staff > 1 { query.append("staff=\(staff)") }
            return SiteRoute.serviceAdmin.path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        }
        let model = AdminPage(
            newKey: newKey.map {
                NewShopKey(shop: names[$0.shopID] ?? $0.shopID, shopHref: SiteRoute.serviceShop($0.shopID).path, key: $0.key)
            },
            shops: shops.map { shop in
                AdminShopRow(
                    id: shop.id, name: shop.name, href: SiteRoute.serviceShop(shop.id).path,
                    editHref: SiteRoute.serviceAdminShop(shop.id).path, currency: shop.currency.code,
                    created: f.date(shop.createdAt), rotateAction: SiteRoute.serviceAdminShopKey(shop.id).path)
            },
            shopsPager: Pager(
                page: shopsPage, previousHref: shopsPage > 1 ? href(shops: shopsPage - 1, staff: staffPage) + "#shops-heading" : nil,
                nextHref: shopsRead.count > Self.pageSize ? href(shops: shopsPage + 1, staff: staffPage) + "#shops-heading" : nil),
            users: staff.map { user in
                AdminUserRow(
                    id: user.id, email: user.email,
                    role: t("role_" + user.role.rawValue) + (user.owner ? " · " + t("colleague_owner") : "")
                        + (user.admin ? " · admin" : ""),
                    shop: user.shopID.flatMap { names[$0] } ?? "",
                    state: user.deactivatedAt.map { t("colleague_deactivated") + " " + f.date($0) }
                        ?? (user.passwordHash.isEmpty ? t("colleague_invited") : t("colleague_active"))
                            + (user.twoStepOn ? " · " + t(.two_step_on) : ""),
                    deactivated: user.deactivatedAt != nil, changeable: user.id != ctx.user?.id, twoStepOn: user.twoStepOn)
            },
            usersPager: Pager(
                page: staffPage, previousHref: staffPage > 1 ? href(shops: shopsPage, staff: staffPage - 1) + "#users-heading" : nil,
                nextHref: staffRead.count > Self.pageSize ? href(shops: shopsPage, staff: staffPage + 1) + "#users-heading" : nil),
            shopAction: SiteRoute.serviceAdminShops.path, userAction: SiteRoute.serviceAdminUsers.path,
            stateAction: SiteRoute.serviceAdminUserState.path,
            typedName: typed?.text("name") ?? "", typedEmails: typed?.text("emails") ?? "", typedCurrency: typed?.text("currency") ?? "PLN",
            typedAmount: typed?.text("amount") ?? "2500.00",
            locales: AppLocale.allCases.map {
                SelectOption(
                    value: $0.rawValue, label: t("language_" + $0.rawValue), selected: $0.rawValue == (typed?.text("locale") ?? "pl"))
            },
            typedEmail: typed?.text("email") ?? "", typedShop: typed?.text("shop") ?? "",
            roles: [UserRecord.UserRole.merchant, .agent].map {
                SelectOption(
                    value: $0.rawValue, label: t("role_" + $0.rawValue), selected: $0.rawValue == (typed?.text("role") ?? "merchant"))
            },
            errors: pages.fieldErrors(rejection, t))
        var response = pages.render(
            Page(template: Template.serviceAdmin, title: t(.admin_title), model: model, status: rejection?.status ?? 200), ctx)
        response.setHeader("Cache-Control", "no-store")
        return response
    }
}

extension AdminPages {
    /// Shops and staff a hundred at a time: `bp seed` makes a thousand shops.
    static let pageSize = 100
}
