import Protection
import Testing
@testable import Rendering

@Suite struct SiteRouteTests {
    static let id = "abcdefghijklmnopqrstuvwxyz"
    static let token = String(repeating: "a2", count: 26)

    static let all: [SiteRoute] = [
        .home, .login, .loginLink(token: token), .logout, .language, .account, .settings, .protection(id), .protectionFeedback(id),
        .customerCase(id), .customerAnswer(id), .customerMessages(id), .merchantLogin, .merchantCases, .merchantCase(id),
        .merchantReply(id), .merchantMessages(id), .serviceLogin, .serviceDashboard, .serviceQueue, .serviceCase(id),
        .serviceNote(id), .serviceMessage(id), .serviceRequestDocuments(id), .serviceAssign(id), .serviceDecision(id),
        .serviceAnswerInquiry(id), .serviceShop(id), .serviceInsolvency(id), .serviceMail, .serviceMailRetry("42"), .serviceMailMessage("42"),
        .document(id), .apiProtections, .apiProtection(id), .apiCases, .health,
        .merchantSearch, .serviceSearch, .merchantExport, .serviceExport, .apiDocs, .settingsSessions,
        .merchantForgotPassword, .serviceForgotPassword, .passwordReset(token: token), .settingsTwoStep, .merchantLoginCode, .serviceLoginCode,
        .serviceMailReplyDone("7"),
        .customerCaseFile(id, json: false), .customerCaseFile(id, json: true), .merchantCaseFile(id, json: false),
        .merchantCaseFile(id, json: true), .serviceCaseFile(id, json: false), .serviceCaseFile(id, json: true),
    ]

    /// A list line's case link, written from the id it read, is the case route's path.
    @Test func aCaseLinkFromAnInlineIdIsTheCasesPath() {
        for id in [Self.id, "a<&\"b", "", String(repeating: "z", count: 40), "zażółć"] {
            for page in [SiteRoute.CasePage.merchant, .service] {
                var html = TemplateOutput()
                SiteRoute.writeCasePath(page, id: InlineText(id), into: &html, html: true)
                #expect(html.text == HTMLEscaping.escape(page.route(id).path), "\(page) \(id)")
                var raw = TemplateOutput()
                SiteRoute.writeCasePath(page, id: InlineText(id), into: &raw, html: false)
                #expect(raw.text == page.route(id).path, "\(page) \(id)")
            }
        }
        #expect(SiteRoute.CasePage.merchant.route(Self.id) == .merchantCase(Self.id))
        #expect(SiteRoute.CasePage.service.route(Self.id) == .serviceCase(Self.id))
    }

    @Test(arguments: all)
    func everyRoutePrintsAPathThatParsesBackToIt(route: SiteRoute) {
        #expect(SiteRoute(path: route.path) == route)
        #expect(route.name == String(String(describing: route).prefix(while: { $0 != "(" })), "its name is its case's")
    }

    @Test func theSpecsPathsAreTheseRoutes() {
        #expect(SiteRoute(path: "/merchant/cases/\(Self.id)/reply") == .merchantReply(Self.id))
        #expect(SiteRoute(path: "/service/cases/\(Self.id)/request-documents") == .serviceRequestDocuments(Self.id))
        #expect(SiteRoute(path: "/merchant/cases/") == .merchantCases)
        #expect(SiteRoute.merchantReply(Self.id).methods == ["GET", "HEAD", "POST"])
        #expect(SiteRoute.serviceDecision(Self.id).methods == ["POST"])
    }

    @Test(arguments: ["", "x", "/nope", "/cases/short", "/cases/ABCDEFGHIJKLMNOPQRSTUVWXYZ", "/cases/\(id)/delete",
                      "/login/notatoken", "/service/mail/abc/retry", "/cases/\(id)/answer/x", "//account", "/account/../etc",
                      "/api/v2/cases", "/service/cases/\(id)/explode", "/api/v1/protections//", "/merchant//cases", "/documents/" + String(repeating: "a", count: 200)])
    func unknownPathsMatchNothing(path: String) {
        #expect(SiteRoute(path: path) == nil)
    }
}
