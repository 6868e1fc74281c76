import Foundation
import GRDB
import Mail
import Protection
import Rendering
import Store

/// Staff passwords: changed on `/settings` (the current one first), or set again from
/// an emailed single-use link when forgotten. Either way the user's other sessions end.
extension App {
    /// Checks a new password against the policy, as a form rejection on `field`.
    func requireGoodPassword(_ password: String, email: String, field: String) throws {
        if let problem = passwordPolicy.problem(password, email: email) {
            throw FormRejection.field(field, PasswordPolicy.messageKey(problem), ["min": String(Passwords.minimumLength)])
        }
    }

    /// The current password before a change to the password or the second step,
    /// throttled like sign-in.
    func requireCurrentPassword(user: UserRecord, password: String, client: String) throws {
        let account = "password:\(user.id)"
        if try database.read({ db in try SignInThrottle.isBlocked(db, account: account, client: client, now: now()) }) {
            throw FormRejection(general: Message("error_429_sign_in"), status: 429)
        }
        guard Passwords.verify(password, against: user.passwordHash) else {
            try database.write { db in try SignInThrottle.recordFailure(db, account: account, client: client, now: now()) }
            throw FormRejection.field("current_password", "error_password_current_wrong")
        }
    }

    /// `/settings`: the current password, then the new one; every other session ends.
    public func changePassword(user: UserRecord, current: String, new: String, client: String, keepSessionToken: String) throws {
        try requireCurrentPassword(user: user, password: current, client: client)
        try requireGoodPassword(new, email: user.email, field: "new_password")
        let hash = try Passwords.hash(new)
        try database.write { db in
            try UserRecord.setPasswordHash(db, userID: user.id, hash: hash)
            try Sessions.end(db, userID: user.id, idHash: nil, keep: Secrets.hash(keepSessionToken))
            try PasswordResets.spend(db, userID: user.id, now: now())
            try AuditLog.record(
                db, AuditActor(userID: user.id, email: user.email, client: client), .passwordChanged, shopID: user.shopID,
                target: user.email, now: now())
        }
    }

    /// "Forgot password": the same answer whether or not the address has an account; an
    /// email with a link when it has. Throttled like the customers' sign-in links.
    public func requestPasswordReset(role: UserRecord.UserRole, email rawEmail: String, client: String, locale pageLocale: AppLocale)
        throws -> LinkRequestResult
    {
        guard let email = EmailAddress.normalize(rawEmail) else { return .sent }
        return try database.write { db in
            if try SignInThrottle.isBlocked(db, account: "reset:" + email, client: "reset:" + client, now: now()) {
                let clientBlocked = try SignInThrottle.isBlocked(db, account: "-", client: "reset:" + client, now: now())
                return clientBlocked ? .throttled : .sent
            }
            try SignInThrottle.recordFailure(db, account: "reset:" + email, client: "reset:" + client, now: now())
            guard let user = try UserRecord.find(db, role: role, email: email) else { return .sent }
            let token = try PasswordResets.create(db, userID: user.id, now: now())
            let t = catalogs[user.locale]
            let content = MailContent(
                subject: t("mail_reset_subject"), heading: t("mail_reset_heading"),
                paragraphs: [t("mail_reset_body"), t("mail_reset_ignore")],
                action: .init(label: t("mail_reset_button"), url: config.url(SiteRoute.passwordReset(token: token).path)))
            try Outbox.enqueue(
                db, composer.mail(content, kind: "password_reset", to: email, locale: user.locale, caseID: nil),
                now: now(), messageDomain: config.mailDomain)
            return .sent
        }
    }

    /// Whose link this is, while it may still be used.
    public func passwordResetUser(token: String) throws -> UserRecord? {
        try database.read { db in
            guard let id = try PasswordResets.user(db, token: token, now: now()) else { return nil }
            return try UserRecord.find(db, id: id).flatMap { $0.deactivatedAt == nil ? $0 : nil }
        }
    }

    /// Sets the new password from a link, uses the link up and ends every session of the
    /// user. Nil when the link is no longer good.
    public func resetPassword(token: String, new: String, client: String) throws -> UserRecord? {
        guard let user = try passwordResetUser(token: token) else { return nil }
        try requireGoodPassword(new, email: user.email, field: "new_password")
        let hash = try Passwords.hash(new)
        return try database.write { db in
            // Checked again inside the transaction: two tabs cannot both use one link.
            guard try PasswordResets.user(db, token: token, now: now()) == user.id else { return nil }
            try UserRecord.setPasswordHash(db, userID: user.id, hash: hash)
            try PasswordResets.spend(db, userID: user.id, now: now())
            try Sessions.endAll(db, userID: user.id)
            // An invitation's link sets the first password the same way.
            try AuditLog.record(
                db, AuditActor(userID: user.id, email: user.email, client: client), .passwordReset, shopID: user.shopID,
                target: user.email, details: user.passwordHash.isEmpty ? "invitation" : "", now: now())
            return user
        }
    }
}
