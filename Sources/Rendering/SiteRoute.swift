import Protection

/// Every URL of the site, parsed from a path and printed back into one. Pages, redirects
/// and emails take their links from here; no URL is written by hand elsewhere.
public enum SiteRoute: Equatable, Sendable {
    case home
    case login
    case loginLink(token: String)
    case logout
    case language
    case account
    case protection(String)
    case protectionFeedback(String)
    case customerCase(String)
    case customerAnswer(String)
    case customerMessages(String)
    /// The customer's return shipment ("yes, after the goods are returned").
    case customerReturn(String)
    case customerAppeal(String)
    /// The printable case file (`json`: the signed JSON of the same).
    case customerCaseFile(String, json: Bool)
    case merchantLogin
    case merchantCases
    case merchantCase(String)
    case merchantReply(String)
    case merchantMessages(String)
    /// The merchant's "goods received" / "not received yet".
    case merchantReturnReceipt(String)
    case merchantAppeal(String)
    case merchantCaseFile(String, json: Bool)
    case merchantSearch
    case merchantExport
    /// The shop's settings for its owner: notification addresses, API keys, webhooks.
    case merchantSettings
    case merchantNotificationEmails
    case merchantAPIKeys
    /// Revokes the key named in the form's `key` field.
    case merchantAPIKeyRevoke
    /// Invites a colleague (`email`); deactivates the one in the form's `user` field.
    case merchantColleagues
    case merchantColleagueDeactivate
    case serviceLogin
    case serviceDashboard
    case serviceQueue
    case serviceSearch
    case serviceExport
    case serviceCase(String)
    case serviceCaseFile(String, json: Bool)
    case serviceNote(String)
    case serviceMessage(String)
    case serviceRequestDocuments(String)
    case serviceAssign(String)
    case serviceDecision(String)
    /// A second agent approves a proposed payout, or sends it back with a note.
    case serviceApprovePayout(String)
    case serviceReturnPayout(String)
    case serviceAnswerInquiry(String)
    case serviceShop(String)
    case serviceInsolvency(String)
    case serviceMail
    /// The audit log of administrative actions, for admin agents.
    case serviceAudit
    /// Administration for admin agents: shops (create, rotate a key) and staff (invite,
    /// deactivate or reactivate: the form's `user` and `active`).
    case serviceAdmin
    case serviceAdminShops
    case serviceAdminShopKey(String)
    /// An admin's edit form of a shop.
    case serviceAdminShop(String)
    case serviceAdminUsers
    case serviceAdminUserState
    case serviceMailRetry(String)
    /// One email as it was sent (sign-in tokens in its links hidden).
    case serviceMailMessage(String)
    /// An email reply the queue showed for a look (unverified sender, nowhere to post) is done.
    case serviceMailReplyDone(String)
    /// A shop's webhook endpoints (list and the form to add one), one endpoint with its
    /// delivery log, and what can be done to it; for the shop's owner under `/merchant`,
    /// for admins under the shop's page in `/service`.
    case webhooks(WebhookArea)
    case webhook(WebhookArea, String)
    case webhookAction(WebhookArea, String, WebhookAction)
    case settings
    /// Ends one of the staff member's other sessions, or all of them.
    case settingsSessions
    /// Two-step sign-in: set up, recovery codes, turn off.
    case settingsTwoStep
    /// The second step of a staff sign-in (the code), after the password.
    case merchantLoginCode
    case serviceLoginCode
    /// "Forgot your password?" for merchants and for agents, and the emailed link.
    case merchantForgotPassword
    case serviceForgotPassword
    case passwordReset(token: String)
    case document(String)
    case apiProtections
    case apiProtection(String)
    case apiCases
    /// The shop API's reference, rendered from docs/openapi.json.
    case apiDocs
    case health
    /// The Prometheus page, for this machine or a bearer of `BP_METRICS_TOKEN`.
    case metrics

    /// The route of a path (already percent-decoded segments are not needed: every
    /// segment we accept is plain ASCII), or nil for an unknown path.
    public init?(path: String) {
        guard path.hasPrefix("/") else { return nil }
        // Split on the path's own bytes: walking grapheme clusters was 3 % of a case page,
        // and the generic split of its UTF-8 view still 1 %.
        var segments: [String] = []
        segments.reserveCapacity(4)
        var bytes = path
        bytes.withUTF8 { b in
            var start = 1
            for i in 1...b.count where i == b.count || b[i] == UInt8(ascii: "/") {
                segments.append(String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
                start = i + 1
            }
        }
        if segments.count > 1, segments.last == "" { segments.removeLast() }  // tolerate one trailing slash
        guard segments.allSatisfy({ $0.utf8.count <= 128 }) else { return nil }
        // "//" anywhere but the root is no path of ours.
        guard segments == [""] || !segments.contains("") else { return nil }
        func id(_ s: String) -> String? { SiteRoute.isID(s) ? s : nil }
        let s = segments
        let n = s.count
        func at(_ i: Int) -> String { i < n ? s[i] : "" }
        switch (n, at(0)) {
        case (1, ""): self = .home
        case (1, "login"): self = .login
        case (2, "login"):
            guard SiteRoute.isToken(at(1)) else { return nil }
            self = .loginLink(token: at(1))
        case (1, "logout"): self = .logout
        case (1, "language"): self = .language
        case (1, "account"): self = .account
        case (1, "settings"): self = .settings
        case (2, "settings") where at(1) == "sessions": self = .settingsSessions
        case (2, "settings") where at(1) == "two-step": self = .settingsTwoStep
        case (3, "password") where at(1) == "reset":
            guard SiteRoute.isToken(at(2)) else { return nil }
            self = .passwordReset(token: at(2))
        case (1, "healthz"): self = .health
        case (1, "metrics"): self = .metrics
        case (2, "protections"):
            guard let i = id(at(1)) else { return nil }
            self = .protection(i)
        case (3, "protections"):
            guard let i = id(at(1)), at(2) == "feedback" else { return nil }
            self = .protectionFeedback(i)
        case (2, "cases"):
            guard let i = id(at(1)) else { return nil }
            self = .customerCase(i)
        case (3, "cases"):
            guard let i = id(at(1)) else { return nil }
            switch at(2) {
            case "answer": self = .customerAnswer(i)
            case "messages": self = .customerMessages(i)
            case "return": self = .customerReturn(i)
            case "appeal": self = .customerAppeal(i)
            case "file", "file.json": self = .customerCaseFile(i, json: at(2) == "file.json")
            default: return nil
            }
        case (2, "documents"):
            guard let i = id(at(1)) else { return nil }
            self = .document(i)
        case (_, "merchant"):
            switch (n, at(1)) {
            case (1, _), (2, "cases"): self = .merchantCases
            case (2, "login"): self = .merchantLogin
            case (3, "login") where at(2) == "code": self = .merchantLoginCode
            case (2, "forgot-password"): self = .merchantForgotPassword
            case (2, "search"): self = .merchantSearch
            case (2, "export"): self = .merchantExport
            case (2, "webhooks"): self = .webhooks(.merchant)
            case (2, "settings"): self = .merchantSettings
            case (3, "settings") where at(2) == "notifications": self = .merchantNotificationEmails
            case (3, "settings") where at(2) == "api-keys": self = .merchantAPIKeys
            case (4, "settings") where at(2) == "api-keys" && at(3) == "revoke": self = .merchantAPIKeyRevoke
            case (3, "settings") where at(2) == "colleagues": self = .merchantColleagues
            case (4, "settings") where at(2) == "colleagues" && at(3) == "deactivate": self = .merchantColleagueDeactivate
            case (3, "webhooks"):
                guard let i = id(at(2)) else { return nil }
                self = .webhook(.merchant, i)
            case (4, "webhooks"):
                guard let i = id(at(2)), let action = WebhookAction(rawValue: at(3)) else { return nil }
                self = .webhookAction(.merchant, i, action)
            case (3, "cases"):
                guard let i = id(at(2)) else { return nil }
                self = .merchantCase(i)
            case (4, "cases"):
                guard let i = id(at(2)) else { return nil }
                switch at(3) {
                case "reply": self = .merchantReply(i)
                case "messages": self = .merchantMessages(i)
                case "return-receipt": self = .merchantReturnReceipt(i)
                case "appeal": self = .merchantAppeal(i)
                case "file", "file.json": self = .merchantCaseFile(i, json: at(3) == "file.json")
                default: return nil
                }
            default: return nil
            }
        case (_, "service"):
            switch (n, at(1)) {
            case (1, _): self = .serviceDashboard
            case (2, "login"): self = .serviceLogin
            case (3, "login") where at(2) == "code": self = .serviceLoginCode
            case (2, "forgot-password"): self = .serviceForgotPassword
            case (2, "queue"): self = .serviceQueue
            case (2, "search"): self = .serviceSearch
            case (2, "export"): self = .serviceExport
            case (2, "mail"): self = .serviceMail
            case (3, "admin") where at(2) == "audit": self = .serviceAudit
            case (2, "admin"): self = .serviceAdmin
            case (3, "admin") where at(2) == "shops": self = .serviceAdminShops
            case (3, "admin") where at(2) == "users": self = .serviceAdminUsers
            case (4, "admin") where at(2) == "users" && at(3) == "state": self = .serviceAdminUserState
            case (4, "admin") where at(2) == "shops":
                guard let i = id(at(3)) else { return nil }
                self = .serviceAdminShop(i)
            case (5, "admin") where at(2) == "shops" && at(4) == "rotate-key":
                guard let i = id(at(3)) else { return nil }
                self = .serviceAdminShopKey(i)
            case (3, "mail"):
                guard SiteRoute.isNumber(at(2)) else { return nil }
                self = .serviceMailMessage(at(2))
            case (4, "mail"):
                guard SiteRoute.isNumber(at(2)), at(3) == "retry" else { return nil }
                self = .serviceMailRetry(at(2))
            case (4, "mail-replies"):
                guard SiteRoute.isNumber(at(2)), at(3) == "done" else { return nil }
                self = .serviceMailReplyDone(at(2))
            case (3, "cases"):
                guard let i = id(at(2)) else { return nil }
                self = .serviceCase(i)
            case (4, "cases"):
                guard let i = id(at(2)) else { return nil }
                switch at(3) {
                case "note": self = .serviceNote(i)
                case "message": self = .serviceMessage(i)
                case "request-documents": self = .serviceRequestDocuments(i)
                case "assign": self = .serviceAssign(i)
                case "decision": self = .serviceDecision(i)
                case "approve-payout": self = .serviceApprovePayout(i)
                case "return-payout": self = .serviceReturnPayout(i)
                case "answer": self = .serviceAnswerInquiry(i)
                case "file", "file.json": self = .serviceCaseFile(i, json: at(3) == "file.json")
                default: return nil
                }
            case (3, "shops"):
                guard let i = id(at(2)) else { return nil }
                self = .serviceShop(i)
            case (4, "shops"):
                guard let i = id(at(2)) else { return nil }
                switch at(3) {
                case "insolvency": self = .serviceInsolvency(i)
                case "webhooks": self = .webhooks(.service(shopID: i))
                default: return nil
                }
            case (5, "shops"):
                guard let shop = id(at(2)), at(3) == "webhooks", let i = id(at(4)) else { return nil }
                self = .webhook(.service(shopID: shop), i)
            case (6, "shops"):
                guard let shop = id(at(2)), at(3) == "webhooks", let i = id(at(4)), let action = WebhookAction(rawValue: at(5))
                else { return nil }
                self = .webhookAction(.service(shopID: shop), i, action)
            default: return nil
            }
        case (2, "api") where at(1) == "docs": self = .apiDocs
        case (_, "api"):
            guard at(1) == "v1" else { return nil }
            switch (n, at(2)) {
            case (3, "protections"): self = .apiProtections
            case (4, "protections"): self = .apiProtection(at(3))
            case (3, "cases"): self = .apiCases
            default: return nil
            }
        default: return nil
        }
    }

    /// A staff member's case page, for a list line's link (`writeCasePath`).
    public enum CasePage: Sendable {
        case merchant, service

        var pathPrefix: StaticString {
            switch self {
            case .merchant: "/merchant/cases/"
            case .service: "/service/cases/"
            }
        }

        public func route(_ id: String) -> SiteRoute {
            switch self {
            case .merchant: .merchantCase(id)
            case .service: .serviceCase(id)
            }
        }
    }

    /// The path of `page.route(id)` written straight into a page, with the id as a list
    /// line holds it: a String for each line's link was two allocations and about 700
    /// instructions a line (callgrind), fifty lines a page. `SiteRouteTests` checks it
    /// against `path`.
    public static func writeCasePath(_ page: CasePage, id: InlineText, into out: inout TemplateOutput, html: Bool) {
        out.literal(page.pathPrefix)
        id.withUTF8 { if html { out.escape($0) } else { out.append($0) } }
    }

    public var path: String {
        switch self {
        case .home: "/"
        case .login: "/login"
        case .loginLink(let t): "/login/\(t)"
        case .logout: "/logout"
        case .language: "/language"
        case .account: "/account"
        case .settings: "/settings"
        case .settingsSessions: "/settings/sessions"
        case .settingsTwoStep: "/settings/two-step"
        case .merchantLoginCode: "/merchant/login/code"
        case .serviceLoginCode: "/service/login/code"
        case .merchantForgotPassword: "/merchant/forgot-password"
        case .serviceForgotPassword: "/service/forgot-password"
        case .passwordReset(let token): "/password/reset/\(token)"
        case .protection(let i): "/protections/\(i)"
        case .protectionFeedback(let i): "/protections/\(i)/feedback"
        case .customerCase(let i): "/cases/\(i)"
        case .customerAnswer(let i): "/cases/\(i)/answer"
        case .customerMessages(let i): "/cases/\(i)/messages"
        case .customerReturn(let i): "/cases/\(i)/return"
        case .customerAppeal(let i): "/cases/\(i)/appeal"
        case .customerCaseFile(let i, let json): "/cases/\(i)/file\(json ? ".json" : "")"
        case .merchantLogin: "/merchant/login"
        case .merchantCases: "/merchant/cases"
        case .merchantCase(let i): "/merchant/cases/\(i)"
        case .merchantReply(let i): "/merchant/cases/\(i)/reply"
        case .merchantMessages(let i): "/merchant/cases/\(i)/messages"
        case .merchantReturnReceipt(let i): "/merchant/cases/\(i)/return-receipt"
        case .merchantAppeal(let i): "/merchant/cases/\(i)/appeal"
        case .merchantCaseFile(let i, let json): "/merchant/cases/\(i)/file\(json ? ".json" : "")"
        case .merchantSearch: "/merchant/search"
        case .merchantExport: "/merchant/export"
        case .merchantSettings: "/merchant/settings"
        case .merchantNotificationEmails: "/merchant/settings/notifications"
        case .merchantAPIKeys: "/merchant/settings/api-keys"
        case .merchantAPIKeyRevoke: "/merchant/settings/api-keys/revoke"
        case .merchantColleagues: "/merchant/settings/colleagues"
        case .merchantColleagueDeactivate: "/merchant/settings/colleagues/deactivate"
        case .serviceLogin: "/service/login"
        case .serviceDashboard: "/service"
        case .serviceQueue: "/service/queue"
        case .serviceSearch: "/service/search"
        case .serviceExport: "/service/export"
        case .serviceMail: "/service/mail"
        case .serviceAudit: "/service/admin/audit"
        case .serviceAdmin: "/service/admin"
        case .serviceAdminShops: "/service/admin/shops"
        case .serviceAdminShopKey(let i): "/service/admin/shops/\(i)/rotate-key"
        case .serviceAdminShop(let i): "/service/admin/shops/\(i)"
        case .serviceAdminUsers: "/service/admin/users"
        case .serviceAdminUserState: "/service/admin/users/state"
        case .serviceMailRetry(let n): "/service/mail/\(n)/retry"
        case .serviceMailMessage(let n): "/service/mail/\(n)"
        case .serviceMailReplyDone(let n): "/service/mail-replies/\(n)/done"
        case .serviceCase(let i): "/service/cases/\(i)"
        case .serviceCaseFile(let i, let json): "/service/cases/\(i)/file\(json ? ".json" : "")"
        case .serviceNote(let i): "/service/cases/\(i)/note"
        case .serviceMessage(let i): "/service/cases/\(i)/message"
        case .serviceRequestDocuments(let i): "/service/cases/\(i)/request-documents"
        case .serviceAssign(let i): "/service/cases/\(i)/assign"
        case .serviceDecision(let i): "/service/cases/\(i)/decision"
        case .serviceApprovePayout(let i): "/service/cases/\(i)/approve-payout"
        case .serviceReturnPayout(let i): "/service/cases/\(i)/return-payout"
        case .serviceAnswerInquiry(let i): "/service/cases/\(i)/answer"
        case .serviceShop(let i): "/service/shops/\(i)"
        case .serviceInsolvency(let i): "/service/shops/\(i)/insolvency"
        case .webhooks(let area): area.prefix + "/webhooks"
        case .webhook(let area, let i): area.prefix + "/webhooks/\(i)"
        case .webhookAction(let area, let i, let action): area.prefix + "/webhooks/\(i)/\(action.rawValue)"
        case .document(let i): "/documents/\(i)"
        case .apiProtections: "/api/v1/protections"
        case .apiProtection(let i): "/api/v1/protections/\(i)"
        case .apiCases: "/api/v1/cases"
        case .apiDocs: "/api/docs"
        case .health: "/healthz"
        case .metrics: "/metrics"
        }
    }

    /// The methods a route answers; anything else gets 405.
    public var methods: Set<String> {
        switch self {
        case .login, .merchantLogin, .serviceLogin, .merchantReply, .settings, .apiProtections, .merchantForgotPassword,
            .serviceForgotPassword, .passwordReset, .webhooks, .serviceAdminShop, .settingsTwoStep, .merchantLoginCode, .serviceLoginCode:
            ["GET", "HEAD", "POST"]
        case .logout, .language, .settingsSessions, .protectionFeedback, .customerAnswer, .customerMessages, .merchantMessages,
            .serviceNote, .serviceMessage, .serviceRequestDocuments, .serviceAssign, .serviceDecision,
            .serviceAnswerInquiry, .serviceInsolvency, .serviceMailRetry, .customerReturn, .customerAppeal, .merchantReturnReceipt,
            .merchantAppeal, .serviceApprovePayout, .serviceReturnPayout, .webhookAction, .merchantNotificationEmails,
            .merchantAPIKeys, .merchantAPIKeyRevoke, .merchantColleagues, .merchantColleagueDeactivate, .serviceAdminShops,
            .serviceAdminShopKey, .serviceAdminUsers, .serviceAdminUserState, .serviceMailReplyDone:
            ["POST"]
        default: ["GET", "HEAD"]
        }
    }

    /// A short stable name for logs.
    /// The case's name, for metrics and the log ("merchantCase"). Spelled out: asking
    /// `String(describing:)` reflected on the value, a percent of every request.
    public var name: String {
        switch self {
        case .home: "home"
        case .login: "login"
        case .loginLink: "loginLink"
        case .logout: "logout"
        case .language: "language"
        case .account: "account"
        case .protection: "protection"
        case .protectionFeedback: "protectionFeedback"
        case .customerCase: "customerCase"
        case .customerAnswer: "customerAnswer"
        case .customerMessages: "customerMessages"
        case .customerReturn: "customerReturn"
        case .customerAppeal: "customerAppeal"
        case .customerCaseFile: "customerCaseFile"
        case .merchantLogin: "merchantLogin"
        case .merchantCases: "merchantCases"
        case .merchantCase: "merchantCase"
        case .merchantReply: "merchantReply"
        case .merchantMessages: "merchantMessages"
        case .merchantReturnReceipt: "merchantReturnReceipt"
        case .merchantAppeal: "merchantAppeal"
        case .merchantCaseFile: "merchantCaseFile"
        case .merchantSearch: "merchantSearch"
        case .merchantExport: "merchantExport"
        case .merchantSettings: "merchantSettings"
        case .merchantNotificationEmails: "merchantNotificationEmails"
        case .merchantAPIKeys: "merchantAPIKeys"
        case .merchantAPIKeyRevoke: "merchantAPIKeyRevoke"
        case .merchantColleagues: "merchantColleagues"
        case .merchantColleagueDeactivate: "merchantColleagueDeactivate"
        case .serviceLogin: "serviceLogin"
        case .serviceDashboard: "serviceDashboard"
        case .serviceQueue: "serviceQueue"
        case .serviceSearch: "serviceSearch"
        case .serviceExport: "serviceExport"
        case .serviceCase: "serviceCase"
        case .serviceCaseFile: "serviceCaseFile"
        case .serviceNote: "serviceNote"
        case .serviceMessage: "serviceMessage"
        case .serviceRequestDocuments: "serviceRequestDocuments"
        case .serviceAssign: "serviceAssign"
        case .serviceDecision: "serviceDecision"
        case .serviceApprovePayout: "serviceApprovePayout"
        case .serviceReturnPayout: "serviceReturnPayout"
        case .serviceAnswerInquiry: "serviceAnswerInquiry"
        case .serviceShop: "serviceShop"
        case .serviceInsolvency: "serviceInsolvency"
        case .serviceMail: "serviceMail"
        case .serviceAudit: "serviceAudit"
        case .serviceAdmin: "serviceAdmin"
        case .serviceAdminShops: "serviceAdminShops"
        case .serviceAdminShopKey: "serviceAdminShopKey"
        case .serviceAdminShop: "serviceAdminShop"
        case .serviceAdminUsers: "serviceAdminUsers"
        case .serviceAdminUserState: "serviceAdminUserState"
        case .serviceMailRetry: "serviceMailRetry"
        case .serviceMailMessage: "serviceMailMessage"
        case .serviceMailReplyDone: "serviceMailReplyDone"
        case .webhooks: "webhooks"
        case .webhook: "webhook"
        case .webhookAction: "webhookAction"
        case .settings: "settings"
        case .settingsSessions: "settingsSessions"
        case .settingsTwoStep: "settingsTwoStep"
        case .merchantLoginCode: "merchantLoginCode"
        case .serviceLoginCode: "serviceLoginCode"
        case .merchantForgotPassword: "merchantForgotPassword"
        case .serviceForgotPassword: "serviceForgotPassword"
        case .passwordReset: "passwordReset"
        case .document: "document"
        case .apiProtections: "apiProtections"
        case .apiProtection: "apiProtection"
        case .apiCases: "apiCases"
        case .apiDocs: "apiDocs"
        case .health: "health"
        case .metrics: "metrics"
        }
    }

    /// Our ids are 26 characters of lowercase base32.
    public static func isID(_ s: String) -> Bool {
        s.utf8.count == 26 && s.utf8.allSatisfy { (97...122).contains($0) || (50...55).contains($0) }
    }

    public static func isToken(_ s: String) -> Bool {
        s.utf8.count == 52 && s.utf8.allSatisfy { (97...122).contains($0) || (50...55).contains($0) }
    }

    static func isNumber(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 18 && s.utf8.allSatisfy { (48...57).contains($0) }
    }
}

/// Whose webhook pages: the shop owner's own, or an admin's for a shop.
public enum WebhookArea: Equatable, Sendable {
    case merchant
    case service(shopID: String)

    var prefix: String {
        switch self {
        case .merchant: "/merchant"
        case .service(let shopID): "/service/shops/\(shopID)"
        }
    }
}

public enum WebhookAction: String, Equatable, Sendable {
    /// A new secret (the old one overlaps for a while).
    case rotate
    case delete
    /// Sends one logged delivery (form field `delivery`) again.
    case resend
}
