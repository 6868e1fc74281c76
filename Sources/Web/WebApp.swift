import FastCGI
import Foundation
import Logging
import Operations
import Protection
import Rendering
import Store

/// The FastCGI responder: matches the route, checks the method, finds who asks, checks
/// CSRF on every form post, reads the body, hands over to the area's handler, and turns
/// what goes wrong into the right error page. One log line per request.
public final class WebApp: Responder {
    let app: App
    let csrf: CSRF
    let renderer: Renderer
    let apiReference: APIReference

    public init(app: App) {
        self.app = app
        csrf = CSRF(secret: app.secret)
        renderer = Renderer(app: app, csrf: csrf)
        apiReference = APIReference.load(path: app.config.resourceRoot + "/docs/openapi.json")
    }

    public func respond(to request: HTTPRequest) throws -> HTTPResponse {
        let started = ContinuousClock.now
        var ctx: RequestContext?
        var routeName = "unknown"
        var response: HTTPResponse
        do {
            response = try route(request, &ctx, &routeName)
        } catch {
            response = failure(error, request: request, ctx: ctx)
        }
        let elapsed = ContinuousClock.now - started
        app.metrics.recordRequest(route: routeName, status: response.status, duration: elapsed)
        let ms = elapsed.seconds * 1000
        app.logger.info(
            "request",
            metadata: [
                "id": "\(request.params["HTTP_X_REQUEST_ID"] ?? "-")",
                "method": "\(request.method)", "route": "\(routeName)", "status": "\(response.status)",
                "ms": "\(String(format: "%.1f", ms))", "actor": "\(ctx?.viewer.role?.rawValue ?? "anonymous")",
            ])
        return response
    }

    public func errorResponse(for error: any Error, request: HTTPRequest) -> HTTPResponse {
        failure(error, request: request, ctx: nil)
    }

    private func route(_ request: HTTPRequest, _ slot: inout RequestContext?, _ routeName: inout String) throws -> HTTPResponse {
        guard let route = SiteRoute(path: request.path) else {
            slot = nil
            return errorPage(404, request: request, ctx: nil)
        }
        routeName = route.name
        if ShopAPI.handles(route) { return ShopAPI(app: app).respond(route, request) }
        if case .metrics = route { return try MetricsEndpoint(app: app).respond(request) }
        let ctx = try RequestContext(request: request, route: route)
        slot = ctx
        guard route.methods.contains(request.method) else {
            var response = errorPage(405, request: request, ctx: ctx)
            response.setHeader("Allow", route.methods.sorted().joined(separator: ", "))
            return response
        }
        if case .health = route { return try HealthCheck(app: app).respond() }
        // The session lookup and the page's queries read one snapshot in one transaction.
        return try app.database.sharingReads { try serve(route, request, ctx) }
    }

    /// Who asks, two-step setup first, CSRF on a form post, then the area's handler.
    private func serve(_ route: SiteRoute, _ request: HTTPRequest, _ ctx: RequestContext) throws -> HTTPResponse {
        try ctx.authenticate(app: app)
        // An account the operator requires two-step sign-in of sets it up before anything else.
        if let user = ctx.user, app.mustSetUpTwoStep(user), !Self.opensBeforeTwoStep(route) {
            return seeOther(SiteRoute.settingsTwoStep.path, ctx)
        }
        if request.method == "POST" {
            let form = try readForm(request, ctx)
            defer { form.cleanUp() }
            guard csrf.isValid(form.value("csrf"), for: ctx.sessionCookie) else {
                return errorPage(403, request: request, ctx: ctx)
            }
            return try dispatch(route, ctx, form)
        }
        return try dispatch(route, ctx, nil)
    }

    /// What a signed-in user who still has to set up two-step sign-in may reach.
    static func opensBeforeTwoStep(_ route: SiteRoute) -> Bool {
        switch route {
        case .settingsTwoStep, .logout, .language, .home, .apiDocs: true
        default: false
        }
    }

    private func readForm(_ request: HTTPRequest, _ ctx: RequestContext) throws -> FormBody {
        let u = app.config.uploads
        let limits = FormBody.Limits(
            fieldBytes: u.fieldBytes, fields: u.fields, fileBytes: u.fileBytes, files: u.files,
            requestBytes: u.requestBytes)
        do {
            return try FormBody.read(request, limits: limits, uploadDirectory: app.documents.incoming)
        } catch {
            throw error
        }
    }

    private func dispatch(_ route: SiteRoute, _ ctx: RequestContext, _ form: FormBody?) throws -> HTTPResponse {
        let pages = Pages(app: app, renderer: renderer)
        switch route {
        case .home: return pages.home(ctx)
        case .apiDocs:
            let t = pages.catalog(ctx)
            let model = APIDocsPage(
                title: apiReference.title, description: apiReference.description, specHref: "/api/v1/openapi.json",
                operations: apiReference.operations, webhooks: apiReference.webhooks)
            return pages.render(Page(template: Template.apiDocs, title: t(.api_docs_title), model: model), ctx)
        case .settingsTwoStep, .merchantLoginCode, .serviceLoginCode:
            return try TwoStepPages(pages: pages).respond(route, ctx, form)
        case .login, .loginLink, .logout, .merchantLogin, .serviceLogin, .language, .settings, .settingsSessions,
            .merchantForgotPassword, .serviceForgotPassword, .passwordReset:
            return try AuthPages(pages: pages).respond(route, ctx, form)
        case .account, .protection, .protectionFeedback, .customerCase, .customerAnswer, .customerMessages, .customerReturn,
            .customerAppeal:
            return try CustomerPages(pages: pages).respond(route, ctx, form)
        case .merchantCases, .merchantCase, .merchantReply, .merchantMessages, .merchantSearch, .merchantExport,
            .merchantReturnReceipt, .merchantAppeal:
            return try MerchantPages(pages: pages).respond(route, ctx, form)
        case .serviceDashboard, .serviceQueue, .serviceSearch, .serviceExport, .serviceCase, .serviceNote, .serviceMessage,
            .serviceRequestDocuments,
            .serviceAssign, .serviceDecision, .serviceApprovePayout, .serviceReturnPayout, .serviceAnswerInquiry, .serviceShop,
            .serviceInsolvency, .serviceMail,
            .serviceMailRetry, .serviceMailMessage, .serviceMailReplyDone:
            return try ServicePages(pages: pages).respond(route, ctx, form)
        case .merchantSettings, .merchantNotificationEmails, .merchantAPIKeys, .merchantAPIKeyRevoke, .merchantColleagues,
            .merchantColleagueDeactivate:
            return try ShopSettingsPages(pages: pages).respond(route, ctx, form)
        case .serviceAudit:
            return try AuditPages(pages: pages).respond(ctx)
        case .serviceAdmin, .serviceAdminShops, .serviceAdminShopKey, .serviceAdminUsers, .serviceAdminUserState, .serviceAdminShop:
            return try AdminPages(pages: pages).respond(route, ctx, form)
        case .webhooks, .webhook, .webhookAction:
            return try WebhookPages(pages: pages).respond(route, ctx, form)
        case .customerCaseFile(let id, let json), .merchantCaseFile(let id, let json), .serviceCaseFile(let id, let json):
            return try CaseFilePages(pages: pages).respond(route, id: id, json: json, ctx)
        case .document(let id):
            return try DocumentDownloads(app: app).respond(id: id, ctx: ctx, renderer: renderer)
        case .apiProtections, .apiProtection, .apiCases, .health, .metrics:
            return errorPage(404, request: ctx.request, ctx: ctx)
        }
    }

    /// Every error ends here: expected ones become their page, the rest a 500 with a log line.
    private func failure(_ error: any Error, request: HTTPRequest, ctx: RequestContext?) -> HTTPResponse {
        switch error {
        case is NotFound:
            return errorPage(404, request: request, ctx: ctx)
        case let failure as FormBody.Failure:
            switch failure {
            case .malformed(let why):
                app.logger.notice("malformed body", metadata: ["why": "\(why)"])
                return errorPage(400, request: request, ctx: ctx)
            case .tooLarge(let key, let args):
                return errorPage(413, request: request, ctx: ctx, message: Message(key, args))
            }
        case let rejection as FormRejection:
            return errorPage(rejection.status, request: request, ctx: ctx, message: rejection.general ?? rejection.fields.values.first)
        default:
            app.logger.error(
                "request failed",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.path)", "error": "\(String(reflecting: error))",
                ])
            return errorPage(500, request: request, ctx: ctx)
        }
    }

    func errorPage(_ status: Int, request: HTTPRequest, ctx: RequestContext?, message: Message? = nil) -> HTTPResponse {
        let context = ctx ?? (try? RequestContext(request: request, route: .home))
        guard let context else {
            return HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: "\(status)\n")
        }
        return Pages(app: app, renderer: renderer).error(status, context, message: message)
    }
}
