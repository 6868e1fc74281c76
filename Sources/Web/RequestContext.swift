import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// What every handler knows about the request it serves: who asks, in which language,
/// the session cookie and its CSRF token, the query, the cookies to set.
final class RequestContext {
    let request: HTTPRequest
    let route: SiteRoute
    let query: [String: [String]]
    let cookies: [String: String]
    /// The `bp_session` cookie value: a signed-in session's token, or a random value
    /// that only anchors CSRF tokens for visitors.
    private(set) var sessionCookie: String?
    private(set) var viewer: Viewer = .anonymous
    private(set) var user: UserRecord?
    var responseCookies: [String] = []
    /// The language a visitor chose on a page, if any (query `lang` or the `bp_lang` cookie).
    let chosenLocale: AppLocale?
    /// The first language of the browser's Accept-Language that the site has. Read only
    /// when nothing else decides (`locale()`), then kept: a signed-in staff member's
    /// language is their own, and parsing the header on every request was wasted there.
    private(set) lazy var acceptLocale: AppLocale? = Self.firstSupported(request.params["HTTP_ACCEPT_LANGUAGE"])

    init(request: HTTPRequest, route: SiteRoute) throws {
        self.request = request
        self.route = route
        query = (try? URLEncoded.parse(request.queryString, maxFields: 64)) ?? [:]
        cookies = Cookies.parse(request.params["HTTP_COOKIE"])
        if let lang = query["lang"]?.first.flatMap(AppLocale.init(rawValue:)) {
            chosenLocale = lang
        } else {
            chosenLocale = cookies["bp_lang"].flatMap(AppLocale.init(rawValue:))
        }
        if let value = cookies["bp_session"], Secrets.looksLikeToken(value, length: Secrets.tokenLength) {
            sessionCookie = value
        }
    }

    func queryValue(_ name: String) -> String? { query[name]?.first }

    /// A list's page number from the query (`?page=`, or the name a page with two lists
    /// gives each): 1 when absent or not a number, at most 10,000.
    func pageNumber(_ name: String = "page") -> Int {
        max(1, min(10_000, Int(queryValue(name) ?? "1") ?? 1))
    }

    var clientAddress: String { request.remoteAddress }

    /// The signed-in staff member as the audit log records them.
    var auditActor: AuditActor {
        AuditActor(userID: user?.id, email: user?.email ?? "", client: clientAddress)
    }

    /// Looks the session up; a cookie that names no live session leaves the visitor anonymous.
    func authenticate(app: App) throws {
        guard let token = sessionCookie, let found = try app.viewer(sessionToken: token) else { return }
        viewer = found.viewer
        user = found.user
    }

    /// The reader's language: the one chosen on a page, else the page's own (a
    /// protection's locale), else the staff member's setting, else the browser's, else English.
    func locale(pageDefault: AppLocale? = nil) -> AppLocale {
        chosenLocale ?? pageDefault ?? user?.locale ?? acceptLocale ?? .en
    }

    /// Makes sure the visitor has a session cookie to bind CSRF tokens to.
    func ensureSessionCookie(secure: Bool) -> String {
        if let sessionCookie { return sessionCookie }
        let value = Secrets.newToken()
        sessionCookie = value
        responseCookies.append(Cookies.setCookie(name: "bp_session", value: value, maxAge: nil, secure: secure))
        return value
    }

    /// After sign-in: a brand-new session token replaces whatever the visitor had.
    func startSession(token: String, secure: Bool) {
        sessionCookie = token
        responseCookies.append(Cookies.setCookie(name: "bp_session", value: token, maxAge: Int(Sessions.lifetime), secure: secure))
    }

    func endSession(secure: Bool) {
        let value = Secrets.newToken()
        sessionCookie = value
        viewer = .anonymous
        user = nil
        responseCookies.append(Cookies.setCookie(name: "bp_session", value: value, maxAge: nil, secure: secure))
    }

    static func firstSupported(_ header: String?) -> AppLocale? {
        guard let header, header.utf8.count <= 512 else { return nil }
        for item in header.split(separator: ",") {
            let tag = item.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if let locale = AppLocale(tag: tag) { return locale }
        }
        return nil
    }
}
