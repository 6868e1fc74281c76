import Foundation
import GRDB
import Protection

/// A merchant user of a shop or an agent of the operator; both sign in with a password.
public struct UserRecord: Sendable, Equatable {
    public enum UserRole: String, Sendable, CaseIterable { case merchant, agent }

    public var id: String
    public var role: UserRole
    public var shopID: String?
    public var email: String
    public var passwordHash: String
    public var locale: AppLocale
    public var createdAt: Date
    /// A merchant who manages the shop's settings (webhooks, and later colleagues and keys).
    public var owner: Bool
    /// An agent who administers the installation (shops' webhooks, and later users).
    public var admin: Bool
    /// Set when an owner or admin deactivated the account: it signs in no more.
    public var deactivatedAt: Date? = nil
    /// Two-step sign-in is on (read with the session, for `BP_REQUIRE_2FA`).
    public var twoStepOn = false

    public init(
        id: String, role: UserRole, shopID: String?, email: String, passwordHash: String, locale: AppLocale, createdAt: Date,
        owner: Bool, admin: Bool
    ) {
        self.id = id
        self.role = role
        self.shopID = shopID
        self.email = email
        self.passwordHash = passwordHash
        self.locale = locale
        self.createdAt = createdAt
        self.owner = owner
        self.admin = admin
    }

    public var viewer: Viewer {
        switch role {
        case .merchant: .merchant(userID: id, shopID: shopID ?? "")
        case .agent: .agent(userID: id)
        }
    }
}

extension UserRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "users"

    public init(row: Row) throws {
        self.init(
            id: row["id"], role: UserRole(rawValue: row["role"]) ?? .merchant, shopID: row["shop_id"],
            email: row["email"], passwordHash: row["password_hash"],
            locale: AppLocale(rawValue: row["locale"]) ?? .en, createdAt: row.requiredDate("created_at"),
            owner: row["owner"] ?? false, admin: row["admin"] ?? false)
        deactivatedAt = row.date("deactivated_at")
        twoStepOn = row["two_step_on"] ?? false
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["role"] = role.rawValue
        container["shop_id"] = shopID
        container["email"] = email
        container["password_hash"] = passwordHash
        container["locale"] = locale.rawValue
        container["created_at"] = StoredDate(createdAt)
        container["owner"] = owner
        container["admin"] = admin
        container["deactivated_at"] = StoredDate(deactivatedAt)
    }
}

extension UserRecord {
    public static func find(_ db: Database, id: String) throws -> UserRecord? {
        // A cached statement: these lookups run for every request and every case of a
        // sweeper pass, and compiling the query each time was most of their cost.
        try UserRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id])
    }

    /// The active account with this sign-in address; a deactivated one is as unknown.
    public static func find(_ db: Database, role: UserRole, email: String) throws -> UserRecord? {
        try UserRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM users WHERE role = ? AND email = ? AND deactivated_at IS NULL"),
            arguments: [role.rawValue, email])
    }

    /// Whether any account, active or not, has this address in this role (addresses are unique).
    public static func exists(_ db: Database, role: UserRole, email: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE role = ? AND email = ?)", arguments: [role.rawValue, email])
            ?? false
    }

    /// The merchants of a shop, by address.
    public static func merchants(_ db: Database, shopID: String) throws -> [UserRecord] {
        try UserRecord.fetchAll(db, sql: "SELECT * FROM users WHERE shop_id = ? ORDER BY email", arguments: [shopID])
    }

    /// Deactivates a user (of `shopID` when given) and ends every session of theirs; false
    /// when there is no such active user.
    public static func deactivate(_ db: Database, id: String, shopID: String?, now: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE users SET deactivated_at = ? WHERE id = ? AND (? IS NULL OR shop_id = ?) AND deactivated_at IS NULL",
            arguments: [StoredDate(now), id, shopID, shopID])
        guard db.changesCount == 1 else { return false }
        try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [id])
        return true
    }

    /// Lets a deactivated user sign in again (with the password they had); false when
    /// there is no such deactivated user.
    public static func reactivate(_ db: Database, id: String) throws -> Bool {
        try db.execute(sql: "UPDATE users SET deactivated_at = NULL WHERE id = ? AND deactivated_at IS NOT NULL", arguments: [id])
        return db.changesCount == 1
    }

    /// Every staff account, agents first, then by address (the admins' list).
    public static func all(_ db: Database, limit: Int, offset: Int = 0) throws -> [UserRecord] {
        try UserRecord.fetchAll(
            db,
            sql: """
                SELECT users.*, EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = users.id AND t.enabled_at IS NOT NULL)
                    AS two_step_on
                FROM users ORDER BY role, email LIMIT ? OFFSET ?
                """, arguments: [limit, offset])
    }

    public static func setLocale(_ db: Database, userID: String, locale: AppLocale) throws {
        try db.execute(sql: "UPDATE users SET locale = ? WHERE id = ?", arguments: [locale.rawValue, userID])
    }

    public static func setPasswordHash(_ db: Database, userID: String, hash: String) throws {
        try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
    }
}
