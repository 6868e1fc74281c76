import Foundation
import GRDB
import Mail
import Protection
import Rendering
import Store

extension App {
    public enum SignInResult: Sendable, Equatable {
        case signedIn(sessionToken: String, user: UserRecord)
        case wrongCredentials
        /// The password was right and the account has two-step sign-in: the token of the
        /// waiting sign-in goes to the code form.
        case secondStepNeeded(challengeToken: String)
        /// Too many failures for this account or this client address lately.
        case throttled
    }

    /// Email + password for merchants and agents. Failures are counted per account and
    /// per client address; after 10 in 15 minutes, sign-in waits.
    public func signIn(
        role: UserRecord.UserRole, email rawEmail: String, password: String, client: String, device: String? = nil
    ) throws -> SignInResult {
        let email = EmailAddress.normalize(rawEmail) ?? rawEmail.lowercased()
        let account = "\(role.rawValue):\(email)"
        let (blocked, user) = try database.read { db in
            (
                try SignInThrottle.isBlocked(db, account: account, client: client, now: now()),
                try UserRecord.find(db, role: role, email: email)
            )
        }
        if blocked { return .throttled }
        // Verify against a decoy when the account is unknown: both answers take as long.
        let valid = Passwords.verify(password, against: user?.passwordHash ?? Passwords.decoy) && user != nil
        return try database.write { db in
            guard valid, let user else {
                try SignInThrottle.recordFailure(db, account: account, client: client, now: now())
                return .wrongCredentials
            }
            if try TwoStepRecords.credential(db, userID: user.id)?.enabledAt != nil {
                return .secondStepNeeded(
                    challengeToken: try TwoStepRecords.createChallenge(db, userID: user.id, device: device, now: now()))
            }
            let token = try Sessions.create(db, viewer: user.viewer, now: now(), device: device)
            return .signedIn(sessionToken: token, user: user)
        }
    }

    public enum LinkRequestResult: Sendable, Equatable {
        case sent
        case throttled
    }

    /// `/login`: emails a sign-in link, the same answer whether or not the address has
    /// protections. A client asking too often is slowed down; an address asked for too
    /// often silently gets no more links for a while (no mail bombing).
    public func requestSignInLink(email rawEmail: String, locale pageLocale: AppLocale, client: String) throws -> LinkRequestResult {
        guard let email = EmailAddress.normalize(rawEmail) else { return .sent }
        return try database.write { db in
            // The language the customer's orders are in, else the page's.
            let locale =
                try String.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT locale FROM protections WHERE customer_email = ? ORDER BY activated_at DESC LIMIT 1
                            """), arguments: [email]
                ).flatMap(AppLocale.init(rawValue:)) ?? pageLocale
            if try SignInThrottle.isBlocked(db, account: "link:" + email, client: "link:" + client, now: now()) {
                // Do not tell the client which limit: an address limit is not its business.
                let clientBlocked = try SignInThrottle.isBlocked(db, account: "-", client: "link:" + client, now: now())
                return clientBlocked ? .throttled : .sent
            }
            try SignInThrottle.recordFailure(db, account: "link:" + email, client: "link:" + client, now: now())
            let token = try LoginTokens.create(db, email: email, lifetime: LoginTokens.formLinkLifetime, reusable: false, now: now())
            let t = catalogs[locale]
            let content = MailContent(
                subject: t("mail_login_subject"), heading: t("mail_login_heading"),
                paragraphs: [t("mail_login_body"), t("mail_login_ignore")],
                action: .init(label: t("mail_login_button"), url: config.url(SiteRoute.loginLink(token: token).path)))
            try Outbox.enqueue(
                db, composer.mail(content, kind: "login_link", to: email, locale: locale, caseID: nil),
                now: now(), messageDomain: config.mailDomain)
            return .sent
        }
    }

    /// `/login/{token}`: a valid link starts a customer session.
    public func redeemSignInLink(token: String, device: String? = nil) throws -> (sessionToken: String, email: String)? {
        try database.write { db in
            guard let email = try LoginTokens.redeem(db, token: token, now: now()) else { return nil }
            let session = try Sessions.create(db, viewer: .customer(email: email), now: now(), device: device)
            return (session, email)
        }
    }

    public func signOut(sessionToken: String) throws {
        try database.write { db in try Sessions.delete(db, token: sessionToken) }
    }

    /// The viewer behind a session cookie. The session's last use is written at most
    /// every five minutes, so most requests stay reads.
    public func viewer(sessionToken: String) throws -> (viewer: Viewer, user: UserRecord?)? {
        let now = now()
        guard let found = try database.read({ db in try Sessions.viewer(db, token: sessionToken, now: now) }) else { return nil }
        if found.lastSeen.map({ now.timeIntervalSince($0) >= 300 }) ?? true {
            try? database.write { db in try Sessions.touch(db, token: sessionToken, now: now) }
        }
        return (found.viewer, found.user)
    }

    /// A staff member's sessions still in use.
    public func sessions(of user: UserRecord) throws -> [Sessions.Listed] {
        try database.read { db in try Sessions.list(db, userID: user.id, now: now()) }
    }

    /// Ends one of the user's other sessions, or (nil) all of them but the current.
    public func endSessions(of user: UserRecord, idHash: String?, currentToken: String) throws -> Int {
        try database.write { db in try Sessions.end(db, userID: user.id, idHash: idHash, keep: Secrets.hash(currentToken)) }
    }
}
