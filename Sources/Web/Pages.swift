import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// A sign-in gate's verdict: go on as this user, or answer with this (a redirect to
/// sign in, or a 404 for someone of another role).
enum Gate<T> {
    case allowed(T)
    case answered(HTTPResponse)
}

/// What the areas' handlers share: rendering, wording of messages, error pages,
/// and the sign-in gate of each area.
struct Pages {
    let app: App
    let renderer: Renderer

    func render<Content>(_ page: Page<Content>, _ ctx: RequestContext) -> HTTPResponse { renderer.render(page, ctx) }

    func catalog(_ ctx: RequestContext, pageDefault: AppLocale? = nil) -> Catalog {
        app.catalogs[ctx.locale(pageDefault: pageDefault)]
    }

    func format(_ ctx: RequestContext, pageDefault: AppLocale? = nil) -> LocaleFormat {
        app.format(ctx.locale(pageDefault: pageDefault))
    }

    func words(_ message: Message?, _ t: Catalog) -> String? {
        guard let message else { return nil }
        var args = message.args
        let f = app.format(t.locale)
        for (name, money) in message.money { args[name] = f.money(money) }
        return t.format(message.key, args)
    }

    /// Field errors worded for the page: `errors.amount`, `errors.message`, …
    func fieldErrors(_ rejection: FormRejection?, _ t: Catalog) -> FieldErrors {
        FieldErrors((rejection?.fields ?? [:]).compactMapValues { words($0, t) })
    }

    /// What the upload partial tells about the limits.
    var maxFiles: Int { app.config.uploads.files }
    var maxFileMB: Int { app.config.uploads.fileBytes / 1_048_576 }

    func home(_ ctx: RequestContext) -> HTTPResponse {
        let t = catalog(ctx)
        let continueRoute: SiteRoute?
        switch ctx.viewer {
        case .customer: continueRoute = .account
        case .merchant: continueRoute = .merchantCases
        case .agent: continueRoute = .serviceDashboard
        case .anonymous: continueRoute = nil
        }
        let model = HomePage(
            continueHref: continueRoute?.path, customerLogin: SiteRoute.login.path,
            merchantLogin: SiteRoute.merchantLogin.path, serviceLogin: SiteRoute.serviceLogin.path)
        return render(Page(template: Template.home, title: t(.home_title), model: model), ctx)
    }

    func error(_ status: Int, _ ctx: RequestContext, message: Message? = nil) -> HTTPResponse {
        let t = catalog(ctx)
        let known: Set<Int> = [400, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 503]
        let key = known.contains(status) ? "error_\(status)" : (status >= 500 ? "error_500" : "error_400")
        let model = ErrorPage(
            status: status, heading: t(key + "_heading"), text: words(message, t) ?? t(key + "_text"),
            home: SiteRoute.home.path)
        var response = render(Page(template: Template.error, title: t(key + "_heading"), model: model, status: status), ctx)
        if status == 429 { response.setHeader("Retry-After", "900") }
        return response
    }

    /// Customers not signed in are sent to `/login`, staff to their own sign-in page,
    /// each with `?next=` back here. Signed in as someone else: the page does not exist.
    func requireCustomer(_ ctx: RequestContext) -> Gate<String> {
        switch ctx.viewer {
        case .customer(let email): return .allowed(email)
        case .anonymous: return .answered(seeOther(SiteRoute.login.path + "?next=" + URLEncoded.encode(ctx.request.path), ctx))
        default: return .answered(error(404, ctx))
        }
    }

    func requireMerchant(_ ctx: RequestContext) -> Gate<(userID: String, shopID: String)> {
        switch ctx.viewer {
        case .merchant(let userID, let shopID): return .allowed((userID, shopID))
        case .anonymous:
            return .answered(seeOther(SiteRoute.merchantLogin.path + "?next=" + URLEncoded.encode(ctx.request.path), ctx))
        default: return .answered(error(404, ctx))
        }
    }

    /// A merchant who owns their shop (its settings, keys, colleagues, webhooks): the shop's id.
    func requireOwner(_ ctx: RequestContext) -> Gate<String> {
        switch requireMerchant(ctx) {
        case .allowed(let merchant): ctx.user?.owner == true ? .allowed(merchant.shopID) : .answered(error(404, ctx))
        case .answered(let response): .answered(response)
        }
    }

    /// An agent with the admin flag; to anyone else the page does not exist.
    func requireAdmin(_ ctx: RequestContext) -> Gate<String> {
        switch requireAgent(ctx) {
        case .allowed(let id): ctx.user?.admin == true ? .allowed(id) : .answered(error(404, ctx))
        case .answered(let response): .answered(response)
        }
    }

    func requireAgent(_ ctx: RequestContext) -> Gate<String> {
        switch ctx.viewer {
        case .agent(let id): return .allowed(id)
        case .anonymous:
            return .answered(seeOther(SiteRoute.serviceLogin.path + "?next=" + URLEncoded.encode(ctx.request.path), ctx))
        default: return .answered(error(404, ctx))
        }
    }

    /// The one shape of every form post: do the action with the form's uploads and see
    /// the next page (303), or, when the input is refused, show the form again with the
    /// messages beside its fields and what the user typed.
    func submit(
        _ form: FormBody, _ ctx: RequestContext, then next: @autoclosure () -> String,
        _ action: ([Upload]) throws -> Void,
        orShowAgain showAgain: (FormRejection) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        do {
            try action(try uploads(form))
            return seeOther(next(), ctx)
        } catch let rejection as FormRejection {
            return try showAgain(rejection)
        }
    }

    /// The uploads of a form, or a rejection beside its file input when a file was refused.
    func uploads(_ form: FormBody) throws -> [Upload] {
        if let first = form.fileErrors.first {
            throw FormRejection(fields: ["documents": Message(first.key, ["name": first.name])], status: 415)
        }
        return form.uploads
    }
}

/// "3 days left", or "deadline passed" once it has.
func daysLeftLabel(until due: Date, now: Date, _ t: Catalog) -> String {
    t.daysLeftWords(until: due, now: now).text
}
