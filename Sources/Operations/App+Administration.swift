import Foundation
import GRDB
import Mail
import Protection
import Rendering
import Store

/// What admin agents do at `/service/admin` instead of `bp admin` on the server: shops
/// (created with their first API key shown once; a key rotated, the old ones stopping at
/// once) and staff (invited by email, deactivated, reactivated). Each is audited.
extension App {
    /// An invitation: the account without a password and an email whose link sets it
    /// (7 days). An address that has an account in that role, active or not, is refused.
    /// `owner` makes a merchant the shop's owner (its first one, from an admin); `admin`
    /// an agent an admin. Either flag on the other role is ignored.
    public func invite(
        email rawEmail: String, role: UserRecord.UserRole, shopID: String?, owner: Bool = false, admin: Bool = false,
        by actor: AuditActor
    ) throws {
        guard let email = EmailAddress.normalize(rawEmail) else { throw FormRejection.field("email", "error_email_invalid") }
        let now = now()
        try database.write { db in
            var shop: ShopRecord?
            if role == .merchant {
                guard let id = shopID, let found = try ShopRecord.find(db, id: id) else {
                    throw FormRejection.field("shop", "error_shop_unknown")
                }
                shop = found
            }
            guard try !UserRecord.exists(db, role: role, email: email) else { throw FormRejection.field("email", "error_colleague_exists") }
            let locale = shop?.locale ?? .en
            let user = UserRecord(
                id: Secrets.newID(), role: role, shopID: shop?.id, email: email, passwordHash: "", locale: locale, createdAt: now,
                owner: role == .merchant && owner, admin: role == .agent && admin)
            try user.insert(db)
            let token = try PasswordResets.create(db, userID: user.id, now: now, lifetime: PasswordResets.invitationLifetime)
            let t = catalogs[locale]
            let team = shop?.name ?? t("invitation_service_team")
            let content = MailContent(
                subject: t.format("mail_invitation_subject", ["shop": team]), heading: t("mail_invitation_heading"),
                paragraphs: [
                    t.format(
                        role == .merchant ? "mail_invitation_body" : "mail_invitation_body_agent", ["shop": team, "owner": actor.email]),
                    t("mail_invitation_expiry"),
                ],
                action: .init(label: t("mail_invitation_button"), url: config.url(SiteRoute.passwordReset(token: token).path)))
            try Outbox.enqueue(
                db, composer.mail(content, kind: "invitation", to: email, locale: locale, caseID: nil), now: now,
                messageDomain: config.mailDomain)
            let flags = [user.owner ? "owner" : nil, user.admin ? "admin" : nil].compactMap { $0 }
            try AuditLog.record(
                db, actor, .colleagueInvited, shopID: shop?.id, target: email, details: ([role.rawValue] + flags).joined(separator: ", "),
                now: now)
        }
    }

    /// Deactivates or reactivates any staff account but one's own.
    public func setUserActive(id: String, active: Bool, by actor: AuditActor) throws {
        guard id != actor.userID else { throw NotFound() }
        let now = now()
        try database.write { db in
            guard let user = try UserRecord.find(db, id: id) else { throw NotFound() }
            let changed =
                active ? try UserRecord.reactivate(db, id: id) : try UserRecord.deactivate(db, id: id, shopID: nil, now: now)
            guard changed else { throw NotFound() }
            try AuditLog.record(
                db, actor, active ? .userReactivated : .colleagueDeactivated, shopID: user.shopID, target: user.email, now: now)
        }
    }

    /// A shop from the admin's form; the CLI's checks, worded for the form's fields.
    public func createShop(
        name: String, emails: String, currency: String, coverageLimit: String, locale: String, by actor: AuditActor
    ) throws -> CreatedShop {
        let addresses = EmailAddress.listItems(emails)
        do {
            let shop = try createShop(
                name: name.trimmingCharacters(in: .whitespaces), emails: addresses, currency: currency.trimmingCharacters(in: .whitespaces),
                coverageLimit: coverageLimit.trimmingCharacters(in: .whitespaces), locale: locale)
            try database.write { db in try AuditLog.record(db, actor, .shopCreated, shopID: shop.id, target: name, now: now()) }
            return shop
        } catch let invalid as InvalidInput {
            switch invalid.field {
            case "email":
                throw FormRejection.field(
                    "emails", addresses.isEmpty ? "error_emails_required" : "error_emails_invalid",
                    ["address": String(invalid.description.prefix(120))])
            case "currency": throw FormRejection.field("currency", "error_currency_code")
            case "coverage_limit": throw FormRejection.field("amount", "error_coverage_limit")
            case "locale": throw FormRejection.field("locale", "error_locale")
            default: throw FormRejection.field("name", "error_shop_name")
            }
        }
    }

    /// A new API key for the shop; every key it had stops at once. Returned once.
    public func rotateShopKey(shopID: String, by actor: AuditActor) throws -> String {
        let key = "bpk_" + Secrets.newToken()
        let now = now()
        try database.write { db in
            guard try ShopRecord.find(db, id: shopID) != nil else { throw NotFound() }
            for old in try APIKeys.all(db, shopID: shopID) where old.revokedAt == nil {
                _ = try APIKeys.revoke(db, id: old.id, shopID: shopID, now: now)
            }
            try APIKeys.insert(db, shopID: shopID, name: "Rotated key", keyHash: Secrets.hash(key), by: actor.userID ?? "", now: now)
            try AuditLog.record(db, actor, .apiKeyRotated, shopID: shopID, target: shopID, now: now)
        }
        return key
    }

    /// Every staff account, agents first, then by address, a page at a time.
    public func staff(limit: Int, offset: Int = 0) throws -> [UserRecord] {
        try database.read { db in try UserRecord.all(db, limit: limit, offset: offset) }
    }

    /// Shops, the newest first, a page at a time.
    public func shops(limit: Int, offset: Int = 0) throws -> [ShopRecord] {
        try database.read { db in
            try ShopRecord.fetchAll(
                db, sql: "SELECT * FROM shops ORDER BY created_at DESC, id LIMIT ? OFFSET ?", arguments: [limit, offset])
        }
    }

    /// The names of these shops (a page of staff names theirs).
    public func shopNames(_ ids: Set<String>) throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        return try database.read { db in
            Dictionary(
                try Row.fetchAll(
                    db, sql: "SELECT id, name FROM shops WHERE id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ",")))",
                    arguments: StatementArguments(Array(ids))
                ).map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a })
        }
    }
}

extension App {
    /// An admin's edit of a shop: name, notification addresses, coverage limit, language.
    /// The currency stays: every amount of the shop is in it.
    public func editShop(
        id: String, name rawName: String, emails: String, coverageLimit: String, locale: String, by actor: AuditActor
    ) throws {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        var fields: [String: Message] = [:]
        if name.isEmpty || name.count > 200 { fields["name"] = Message("error_shop_name") }
        var addresses: [String] = []
        switch Self.notificationAddresses(emails) {
        case .success(let list): addresses = list
        case .failure(let refusal): fields["emails"] = refusal.message
        }
        let language = AppLocale(rawValue: locale)
        if language == nil { fields["locale"] = Message("error_locale") }
        try database.write { db in
            guard var shop = try ShopRecord.find(db, id: id) else { throw NotFound() }
            let limit = AmountText.parse(coverageLimit, minorDigits: shop.currency.minorDigits)
            guard case .success(let minor) = limit else {
                fields["amount"] = Message("error_coverage_limit")
                throw FormRejection(fields: fields)
            }
            guard fields.isEmpty, let language else { throw FormRejection(fields: fields) }
            shop.name = name
            shop.notificationEmails = addresses
            shop.coverageLimit = Money(minor: minor, currency: shop.currency)
            shop.locale = language
            try shop.update(db)
            try AuditLog.record(
                db, actor, .shopEdited, shopID: id, target: name,
                details:
                    "\(addresses.joined(separator: ", ")); \(shop.coverageLimit.plainDecimal) \(shop.currency.code); \(language.rawValue)",
                now: now())
        }
    }
}
