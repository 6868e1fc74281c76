import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// Two-step sign-in in the browser: the code form after a right password
/// (`/merchant/login/code`, `/service/login/code`) and the setup on `/settings/two-step`
/// (QR code drawn here as SVG, the secret as text, ten recovery codes shown once).
struct TwoStepPages {
    let pages: Pages
    var app: App { pages.app }

    /// The waiting sign-in travels in its own cookie, for ten minutes, apart from the
    /// session cookie (which the CSRF token of the code form is bound to).
    static let challengeCookie = "bp_2fa"

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        switch (route, form) {
        case (.merchantLoginCode, nil): return codeForm(ctx, role: .merchant, error: nil)
        case (.serviceLoginCode, nil): return codeForm(ctx, role: .agent, error: nil)
        case (.merchantLoginCode, let form?): return try completeSignIn(ctx, form, role: .merchant)
        case (.serviceLoginCode, let form?): return try completeSignIn(ctx, form, role: .agent)
        case (.settingsTwoStep, let form): return try settings(ctx, form)
        default: return pages.error(404, ctx)
        }
    }

    // MARK: The second step of signing in

    /// After the password: where the browser goes with the waiting sign-in's cookie.
    static func beginSecondStep(_ ctx: RequestContext, token: String, role: UserRecord.UserRole, next: String?, secure: Bool)
        -> HTTPResponse
    {
        ctx.responseCookies.append(
            Cookies.setCookie(name: challengeCookie, value: token, maxAge: Int(TwoStepRecords.challengeLifetime), secure: secure))
        let route: SiteRoute = role == .merchant ? .merchantLoginCode : .serviceLoginCode
        return seeOther(route.path + (next.map { "?next=" + URLEncoded.encode($0) } ?? ""), ctx)
    }

    private func codeForm(_ ctx: RequestContext, role: UserRecord.UserRole, error: String?, status: Int = 200) -> HTTPResponse {
        guard ctx.cookies[Self.challengeCookie] != nil else { return seeOther(PasswordPages.loginRoute(role).path, ctx) }
        let t = pages.catalog(ctx)
        let model = SignInCodePage(
            action: (role == .merchant ? SiteRoute.merchantLoginCode : .serviceLoginCode).path, error: error,
            next: safeNextPath(ctx.queryValue("next")) ?? "", loginHref: PasswordPages.loginRoute(role).path)
        return pages.render(Page(template: Template.authSignInCode, title: t(.sign_in_code_title), model: model, status: status), ctx)
    }

    private func completeSignIn(_ ctx: RequestContext, _ form: FormBody, role: UserRecord.UserRole) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let login = PasswordPages.loginRoute(role).path
        guard let token = ctx.cookies[Self.challengeCookie] else { return seeOther(login + "?done=sign_in_expired", ctx) }
        let next = safeNextPath(form.value("next"))
        switch try app.completeSignIn(challenge: token, code: String(form.text("code").prefix(64)), client: ctx.clientAddress) {
        case .throttled:
            return pages.error(429, ctx, message: Message("error_429_sign_in"))
        case .expired:
            ctx.responseCookies.append(Self.clearedChallenge(secure: app.config.isSecure))
            return seeOther(login + "?done=sign_in_expired", ctx)
        case .wrongCode:
            return codeForm(ctx, role: role, error: t(.error_two_step_code_wrong), status: 401)
        case .codeAlreadyUsed:
            return codeForm(ctx, role: role, error: t(.error_two_step_code_used), status: 401)
        case .signedIn(let session, let user):
            ctx.responseCookies.append(Self.clearedChallenge(secure: app.config.isSecure))
            ctx.startSession(token: session, secure: app.config.isSecure)
            let home: SiteRoute = user.role == .merchant ? .merchantCases : .serviceDashboard
            return seeOther(next ?? home.path, ctx)
        }
    }

    static func clearedChallenge(secure: Bool) -> String {
        Cookies.setCookie(name: challengeCookie, value: "", maxAge: 0, secure: secure)
    }

    // MARK: Settings

    private enum Action: String {
        /// A new secret to scan (or scan again).
        case start
        /// The first code from the app: on, and the recovery codes.
        case confirm
        case renew
        case off
    }

    private func settings(_ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        guard let user = ctx.user else {
            if ctx.viewer == .anonymous { return seeOther(SiteRoute.merchantLogin.path + "?next=/settings/two-step", ctx) }
            return pages.error(404, ctx)
        }
        guard let form else { return try page(ctx, user: user, recoveryCodes: [], rejection: nil) }
        guard let action = form.value("do").flatMap(Action.init(rawValue:)) else { return pages.error(422, ctx) }
        do {
            switch action {
            case .start:
                try app.startTwoStepSetup(user: user)
                return seeOther(SiteRoute.settingsTwoStep.path, ctx)
            case .confirm:
                let codes = try app.confirmTwoStep(user: user, code: String(form.text("code").prefix(64)), client: ctx.clientAddress)
                var on = user
                on.twoStepOn = true
                return try page(ctx, user: on, recoveryCodes: codes, rejection: nil)
            case .renew:
                let codes = try app.renewRecoveryCodes(user: user, password: form.text("current_password"), client: ctx.clientAddress)
                return try page(ctx, user: user, recoveryCodes: codes, rejection: nil)
            case .off:
                try app.turnOffTwoStep(user: user, password: form.text("current_password"), client: ctx.clientAddress)
                return seeOther(SiteRoute.settings.path + "?done=two_step_off", ctx)
            }
        } catch let rejection as FormRejection {
            return try page(ctx, user: user, recoveryCodes: [], rejection: rejection)
        }
    }

    private func page(_ ctx: RequestContext, user: UserRecord, recoveryCodes: [String], rejection: FormRejection?) throws
        -> HTTPResponse
    {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        var setup: TwoStepSetup?
        var on: TwoStepOn?
        switch try app.twoStepState(of: user) {
        case .off: break
        case .pending(let secret):
            let uri = TOTP.provisioningURI(secret: secret, account: user.email, issuer: "Buyer Protection (\(app.config.mailDomain))")
            let code = try QRCode(bytes: Array(uri.utf8), correction: .medium)
            // Groups of four, as people read a secret out to an app that cannot scan.
            let text = TOTP.base32(secret)
            let grouped = stride(from: 0, to: text.count, by: 4).map { offset -> String in
                let start = text.index(text.startIndex, offsetBy: offset)
                return String(text[start..<text.index(start, offsetBy: min(4, text.count - offset))])
            }.joined(separator: " ")
            setup = TwoStepSetup(qrSide: code.svgSide, qrPath: code.svgPath, secret: grouped, account: user.email)
        case .on(let since, let left):
            on = TwoStepOn(since: f.dateTime(since), codesLeft: t.plural("two_step_codes_left", left))
        }
        let model = TwoStepPage(
            action: SiteRoute.settingsTwoStep.path, mustSetUp: app.mustSetUpTwoStep(user), off: setup == nil && on == nil,
            setup: setup, on: on, recoveryCodes: recoveryCodes.map(RecoveryCodeItem.init(code:)),
            hasRecoveryCodes: !recoveryCodes.isEmpty, canTurnOff: !app.config.requireTwoStep.applies(to: user.role),
            errors: pages.fieldErrors(rejection, t), generalError: pages.words(rejection?.general, t),
            doneHref: app.mustSetUpTwoStep(user) ? SiteRoute.settingsTwoStep.path : SiteRoute.settings.path)
        return pages.render(
            Page(template: Template.twoStep, title: t(.two_step_title), model: model, status: rejection?.status ?? 200), ctx)
    }
}
