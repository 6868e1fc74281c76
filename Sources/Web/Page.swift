import FastCGI
import Foundation
import Operations
import Protection
import Rendering

/// A page to render: its compiled template, its title and its model. The template's
/// type says which model it reads, so a page cannot be handed the wrong one.
struct Page<Content> {
    var template: (PageLayout<Content>, inout TemplateOutput) -> Void
    var title: String
    var model: Content
    var status: Int = 200
    /// Extra language for the page when the reader chose none (a customer's protection).
    var locale: AppLocale?
}

/// Renders pages inside the shared layout: product name, navigation for the signed-in
/// role, language switch, sign-out. Model text is escaped by the compiled templates, always.
struct Renderer {
    let app: App
    let csrf: CSRF

    func render<Content>(_ page: Page<Content>, _ ctx: RequestContext) -> HTTPResponse {
        let locale = ctx.locale(pageDefault: page.locale)
        let t = app.catalogs[locale]
        let cookie = ctx.ensureSessionCookie(secure: app.config.isSecure)
        if let chosen = ctx.queryValue("lang").flatMap(AppLocale.init(rawValue:)) {
            // `?lang=` switches the language for the rest of the browser session.
            ctx.responseCookies.append(Cookies.setCookie(name: "bp_lang", value: chosen.rawValue, maxAge: nil, secure: app.config.isSecure))
        }
        var viewerLabel: String?
        switch ctx.viewer {
        case .anonymous: viewerLabel = nil
        case .customer(let email): viewerLabel = email
        case .merchant, .agent: viewerLabel = ctx.user?.email ?? ""
        }
        let layout = PageLayout(
            t: t, lang: locale.rawValue, title: page.title, csrf: csrf.token(for: cookie), page: page.model,
            nav: navigation(ctx, t),
            languages: AppLocale.allCases.map {
                LanguageOption(code: $0.rawValue, label: t("language_\($0.rawValue)"), selected: $0 == locale)
            },
            returnTo: ctx.request.path + (ctx.request.queryString.isEmpty ? "" : "?" + ctx.request.queryString),
            signedIn: viewerLabel != nil, viewerLabel: viewerLabel,
            flash: ctx.queryValue("done").flatMap { Self.flashes.contains($0) ? t("flash_" + $0) : nil })
        var out = TemplateOutput(capacity: 32_768)  // a list page is 26 KB: grown from 16, it was copied once
        page.template(layout, &out)
        var response = HTTPResponse(status: page.status, headers: [("Content-Type", "text/html; charset=utf-8")], body: out.bytes)
        response.setHeader("Cache-Control", "no-store")
        response.setHeader("Content-Language", locale.rawValue)
        for cookie in ctx.responseCookies { response.headers.append(("Set-Cookie", cookie)) }
        return response
    }

    /// Messages a redirect may ask the next page to show (`?done=…`).
    static let flashes: Set<String> = [
        "signed_out", "feedback_completed", "case_opened", "inquiry_sent", "reply_sent", "answer_sent", "message_sent",
        "note_added", "service_message_sent", "documents_requested", "assigned", "decided", "inquiry_answered",
        "shop_insolvent", "mail_retry", "settings_saved", "already_opened", "sessions_ended",
        "password_changed", "password_reset", "password_link_sent", "return_sent", "return_confirmed", "return_not_yet",
        "appealed", "payout_proposed", "payout_approved", "payout_returned", "webhook_deleted", "webhook_resent", "api_key_revoked",
        "colleague_invited", "colleague_deactivated", "user_reactivated", "two_step_off", "two_step_reset", "sign_in_expired",
        "mail_reply_done",
    ]

    private func navigation(_ ctx: RequestContext, _ t: Catalog) -> [NavItem] {
        func item(_ key: CatalogKey, _ route: SiteRoute) -> NavItem {
            NavItem(label: t(key), href: route.path, current: ctx.route == route)
        }
        switch ctx.viewer {
        case .anonymous: return []
        case .customer: return [item(.nav_account, .account)]
        case .merchant: return [item(.nav_merchant_cases, .merchantCases), item(.nav_settings, .settings)]
        case .agent:
            return [
                item(.nav_dashboard, .serviceDashboard), item(.nav_queue, .serviceQueue),
                item(.nav_mail, .serviceMail), item(.nav_settings, .settings),
            ] + (ctx.user?.admin == true ? [item(.nav_admin, .serviceAdmin), item(.nav_audit, .serviceAudit)] : [])
        }
    }
}

/// A redirect after a successful post: 303 to a path of this site.
func seeOther(_ path: String, _ ctx: RequestContext) -> HTTPResponse {
    var response = HTTPResponse(status: 303, headers: [("Location", path), ("Cache-Control", "no-store")])
    for cookie in ctx.responseCookies { response.headers.append(("Set-Cookie", cookie)) }
    return response
}

/// `?next=` is only ever a path on this site: "/…" but not "//…" (another host) and no
/// backslashes or control characters that browsers might read as such.
func safeNextPath(_ raw: String?) -> String? {
    guard let raw, raw.hasPrefix("/"), !raw.hasPrefix("//"), raw.utf8.count <= 512,
        !raw.contains("\\"), raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
    else { return nil }
    return raw
}
