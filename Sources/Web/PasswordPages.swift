import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// Staff passwords in the browser: "Forgot your password?" on both staff sign-in pages,
/// the emailed link that sets a new one, and the change form on `/settings`.
struct PasswordPages {
    let pages: Pages
    var app: App { pages.app }

    func respond(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        switch (route, form) {
        case (.merchantForgotPassword, nil): return forgotForm(ctx, role: .merchant, email: "")
        case (.serviceForgotPassword, nil): return forgotForm(ctx, role: .agent, email: "")
        case (.merchantForgotPassword, let form?): return try requestReset(ctx, form, role: .merchant)
        case (.serviceForgotPassword, let form?): return try requestReset(ctx, form, role: .agent)
        case (.passwordReset(let token), nil): return try resetForm(ctx, token: token, rejection: nil)
        case (.passwordReset(let token), let form?): return try reset(ctx, token: token, form)
        default: return pages.error(404, ctx)
        }
    }

    static func loginRoute(_ role: UserRecord.UserRole) -> SiteRoute { role == .merchant ? .merchantLogin : .serviceLogin }

    private func forgotForm(_ ctx: RequestContext, role: UserRecord.UserRole, email: String) -> HTTPResponse {
        let t = pages.catalog(ctx)
        let model = ForgotPasswordPage(
            action: (role == .merchant ? SiteRoute.merchantForgotPassword : .serviceForgotPassword).path, email: email,
            loginHref: Self.loginRoute(role).path)
        return pages.render(Page(template: Template.authForgotPassword, title: t(.forgot_password_title), model: model), ctx)
    }

    private func requestReset(_ ctx: RequestContext, _ form: FormBody, role: UserRecord.UserRole) throws -> HTTPResponse {
        let email = String(form.text("email").trimmingCharacters(in: .whitespacesAndNewlines).prefix(320))
        switch try app.requestPasswordReset(role: role, email: email, client: ctx.clientAddress, locale: ctx.locale()) {
        case .throttled: return pages.error(429, ctx, message: Message("error_429_sign_in"))
        case .sent: return seeOther(Self.loginRoute(role).path + "?done=password_link_sent", ctx)
        }
    }

    private func resetForm(_ ctx: RequestContext, token: String, rejection: FormRejection?) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        guard let user = try app.passwordResetUser(token: token) else {
            return pages.error(410, ctx, message: Message("reset_password_invalid"))
        }
        let model = ResetPasswordPage(
            action: SiteRoute.passwordReset(token: token).path, email: user.email, errors: pages.fieldErrors(rejection, t),
            minimum: Passwords.minimumLength)
        return pages.render(
            Page(template: Template.authResetPassword, title: t(.reset_password_title), model: model, status: rejection?.status ?? 200),
            ctx)
    }

    private func reset(_ ctx: RequestContext, token: String, _ form: FormBody) throws -> HTTPResponse {
        do {
            guard let user = try app.resetPassword(token: token, new: form.text("new_password"), client: ctx.clientAddress) else {
                return pages.error(410, ctx, message: Message("reset_password_invalid"))
            }
            // Whoever used the link is signed out here too: they sign in with the new password.
            if ctx.viewer != .anonymous { ctx.endSession(secure: app.config.isSecure) }
            return seeOther(Self.loginRoute(user.role).path + "?done=password_reset", ctx)
        } catch let rejection as FormRejection {
            return try resetForm(ctx, token: token, rejection: rejection)
        }
    }
}
