import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// Signing in and out: the customer's email link, the staff's password, the language
/// switch and the staff's settings.
struct AuthPages {
    let pages: Pages
    var app: App { pages.app }

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        switch (route, form) {
        case (.login, nil): return customerLoginForm(ctx, email: "", error: nil)
        case (.login, let form?): return try requestLink(ctx, form)
        case (.loginLink(let token), _): return try redeem(token, ctx)
        case (.merchantLogin, nil): return staffLoginForm(ctx, role: .merchant, email: "", error: nil)
        case (.merchantLogin, let form?): return try staffSignIn(ctx, form, role: .merchant)
        case (.serviceLogin, nil): return staffLoginForm(ctx, role: .agent, email: "", error: nil)
        case (.serviceLogin, let form?): return try staffSignIn(ctx, form, role: .agent)
        case (.logout, _): return try signOut(ctx)
        case (.language, let form?): return language(ctx, form)
        case (.settings, let form): return try settings(ctx, form)
        case (.settingsSessions, let form?): return try endSessions(ctx, form)
        case (.merchantForgotPassword, _), (.serviceForgotPassword, _), (.passwordReset, _):
            return try PasswordPages(pages: pages).respond(route, ctx, form)
        default: return pages.error(404, ctx)
        }
    }

    private func customerLoginForm(_ ctx: RequestContext, email: String, error: String?, status: Int = 200) -> HTTPResponse {
        let t = pages.catalog(ctx)
        let model = CustomerLoginPage(action: SiteRoute.login.path, email: email, error: error)
        return pages.render(Page(template: Template.authCustomerLogin, title: t(.login_title), model: model, status: status), ctx)
    }

    private func requestLink(_ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let email = form.text("email").trimmingCharacters(in: .whitespacesAndNewlines)
        guard EmailAddress.normalize(email) != nil else {
            return customerLoginForm(ctx, email: email, error: t("error_email_invalid"), status: 422)
        }
        switch try app.requestSignInLink(email: email, locale: ctx.locale(), client: ctx.clientAddress) {
        case .throttled:
            return pages.error(429, ctx)
        case .sent:
            return pages.render(Page(template: Template.authCheckEmail, title: t(.check_email_title), model: CheckEmailPage()), ctx)
        }
    }

    private func redeem(_ token: String, _ ctx: RequestContext) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        guard let signedIn = try app.redeemSignInLink(token: token, device: DeviceName.of(ctx.request.header("User-Agent"))) else {
            let model = LinkInvalidPage(login: SiteRoute.login.path)
            return pages.render(Page(template: Template.authLinkInvalid, title: t(.link_invalid_title), model: model, status: 410), ctx)
        }
        ctx.startSession(token: signedIn.sessionToken, secure: app.config.isSecure)
        return seeOther(safeNextPath(ctx.queryValue("next")) ?? SiteRoute.account.path, ctx)
    }

    private func staffLoginForm(
        _ ctx: RequestContext, role: UserRecord.UserRole, email: String, error: String?,
        status: Int = 200, next: String? = nil
    ) -> HTTPResponse {
        let t = pages.catalog(ctx)
        let route: SiteRoute = role == .merchant ? .merchantLogin : .serviceLogin
        let model = StaffLoginPage(
            action: route.path, heading: t(role == .merchant ? .merchant_login_title : .service_login_title),
            intro: t(role == .merchant ? .merchant_login_intro : .service_login_intro), email: email, error: error,
            next: next ?? safeNextPath(ctx.queryValue("next")) ?? "",
            forgotHref: (role == .merchant ? SiteRoute.merchantForgotPassword : .serviceForgotPassword).path)
        return pages.render(Page(template: Template.authStaffLogin, title: model.heading, model: model, status: status), ctx)
    }

    private func staffSignIn(_ ctx: RequestContext, _ form: FormBody, role: UserRecord.UserRole) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let email = form.text("email").trimmingCharacters(in: .whitespacesAndNewlines)
        let next = safeNextPath(form.value("next"))
        switch try app.signIn(
            role: role, email: email, password: form.text("password"), client: ctx.clientAddress,
            device: DeviceName.of(ctx.request.header("User-Agent")))
        {
        case .throttled:
            return pages.error(429, ctx, message: Message("error_429_sign_in"))
        case .wrongCredentials:
            return staffLoginForm(ctx, role: role, email: email, error: t("error_credentials"), status: 401, next: next)
        case .secondStepNeeded(let challenge):
            return TwoStepPages.beginSecondStep(ctx, token: challenge, role: role, next: next, secure: app.config.isSecure)
        case .signedIn(let token, _):
            ctx.startSession(token: token, secure: app.config.isSecure)
            let home: SiteRoute = role == .merchant ? .merchantCases : .serviceDashboard
            return seeOther(next ?? home.path, ctx)
        }
    }

    private func signOut(_ ctx: RequestContext) throws -> HTTPResponse {
        if let token = ctx.sessionCookie, ctx.viewer != .anonymous { try app.signOut(sessionToken: token) }
        ctx.endSession(secure: app.config.isSecure)
        return seeOther(SiteRoute.home.path + "?done=signed_out", ctx)
    }

    /// The small language form in the layout: the choice sticks for the browser session.
    private func language(_ ctx: RequestContext, _ form: FormBody) -> HTTPResponse {
        if let locale = form.value("lang").flatMap(AppLocale.init(rawValue:)) {
            ctx.responseCookies.append(
                Cookies.setCookie(
                    name: "bp_lang", value: locale.rawValue, maxAge: nil,
                    secure: app.config.isSecure))
        }
        var back = safeNextPath(form.value("return_to")) ?? SiteRoute.home.path
        // Drop a `lang=` in the address we return to, or it would override the new choice.
        if let q = back.firstIndex(of: "?") {
            let kept = back[back.index(after: q)...].split(separator: "&").filter { !$0.hasPrefix("lang=") }
            back = String(back[..<q]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        }
        return seeOther(back, ctx)
    }

    /// `POST /settings/sessions`: `session` names one of the user's other sessions (its
    /// hash, as the settings page lists it) or `others` all of them; the current one stays.
    private func endSessions(_ ctx: RequestContext, _ form: FormBody) throws -> HTTPResponse {
        guard let user = ctx.user, let token = ctx.sessionCookie else { return pages.error(404, ctx) }
        let choice = form.value("session") ?? ""
        guard
            choice == "others" || (choice.utf8.count == 64 && choice.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) })
        else { return pages.error(422, ctx, message: Message("error_session_choose")) }
        _ = try app.endSessions(of: user, idHash: choice == "others" ? nil : choice, currentToken: token)
        return seeOther(SiteRoute.settings.path + "?done=sessions_ended", ctx)
    }

    /// Staff choose the language of their pages and emails.
    private func settings(_ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        guard let user = ctx.user else {
            if ctx.viewer == .anonymous { return seeOther(SiteRoute.merchantLogin.path + "?next=/settings", ctx) }
            return pages.error(404, ctx)
        }
        if let form, form.value("change") == "password" {
            do {
                try app.changePassword(
                    user: user, current: form.text("current_password"), new: form.text("new_password"), client: ctx.clientAddress,
                    keepSessionToken: ctx.sessionCookie ?? "")
                return seeOther(SiteRoute.settings.path + "?done=password_changed", ctx)
            } catch let rejection as FormRejection {
                return try settingsPage(ctx, user: user, rejection: rejection)
            }
        }
        if let form {
            guard let locale = form.value("locale").flatMap(AppLocale.init(rawValue:)) else {
                return pages.error(422, ctx, message: Message("error_locale_choose"))
            }
            try app.database.write { db in try UserRecord.setLocale(db, userID: user.id, locale: locale) }
            // The saved setting is now the one to use; a page choice would hide it.
            ctx.responseCookies.append(
                Cookies.setCookie(
                    name: "bp_lang", value: locale.rawValue, maxAge: nil,
                    secure: app.config.isSecure))
            return seeOther(SiteRoute.settings.path + "?done=settings_saved", ctx)
        }
        return try settingsPage(ctx, user: user, rejection: nil)
    }

    private func settingsPage(_ ctx: RequestContext, user: UserRecord, rejection: FormRejection?) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let current = ctx.sessionCookie.map(Secrets.hash)
        let sessions = try app.sessions(of: user).map { session in
            SessionItem(
                id: session.idHash, device: session.device ?? t(.settings_device_unknown), started: f.dateTime(session.createdAt),
                lastUsed: f.dateTime(session.lastSeenAt ?? session.createdAt), current: session.idHash == current)
        }
        let model = SettingsPage(
            email: user.email, role: t("role_" + user.role.rawValue),
            locales: AppLocale.allCases.map {
                LanguageOption(code: $0.rawValue, label: t("language_\($0.rawValue)"), selected: $0 == user.locale)
            },
            sessions: sessions, sessionsAction: SiteRoute.settingsSessions.path, passwordAction: SiteRoute.settings.path,
            errors: pages.fieldErrors(rejection, t), generalError: pages.words(rejection?.general, t), minimum: Passwords.minimumLength,
            shopSettingsHref: user.role == .merchant && user.owner ? SiteRoute.merchantSettings.path : nil,
            twoStepStatus: t(user.twoStepOn ? .two_step_on : .two_step_off), twoStepHref: SiteRoute.settingsTwoStep.path)
        return pages.render(
            Page(template: Template.settings, title: t(.settings_title), model: model, status: rejection?.status ?? 200), ctx)
    }
}
