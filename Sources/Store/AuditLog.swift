import Foundation
import GRDB

/// Who did an administrative thing, from where: kept with every audit record.
public struct AuditActor: Sendable, Equatable {
    public var userID: String?
    public var email: String
    /// The client's address as nginx saw it; "cli" for `bp admin`.
    public var client: String

    public init(userID: String?, email: String, client: String) {
        self.userID = userID
        self.email = email
        self.client = client
    }
}

/// What the audit log records. The names are stable: filters and exports use them.
public enum AuditAction: String, Sendable, CaseIterable {
    case webhookAdded = "webhook.added"
    case webhookSecretRotated = "webhook.secret_rotated"
    case webhookDeleted = "webhook.deleted"
    case webhookResent = "webhook.resent"
    case notificationEmailsChanged = "shop.notification_emails_changed"
    case apiKeyCreated = "api_key.created"
    case apiKeyRevoked = "api_key.revoked"
    case colleagueInvited = "user.invited"
    case colleagueDeactivated = "user.deactivated"
    case passwordChanged = "user.password_changed"
    case passwordReset = "user.password_reset"
    case userReactivated = "user.reactivated"
    case shopCreated = "shop.created"
    case shopEdited = "shop.edited"
    case apiKeyRotated = "api_key.rotated"
    case twoStepEnabled = "user.two_step_enabled"
    case twoStepDisabled = "user.two_step_disabled"
    case twoStepReset = "user.two_step_reset"
    case recoveryCodesRenewed = "user.recovery_codes_renewed"
    case recoveryCodeUsed = "user.recovery_code_used"
}

/// One line of the audit log, as the admins' page shows it.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var actorEmail: String
    public var client: String
    public var action: String
    public var shopID: String?
    public var target: String
    public var details: String
}

extension AuditEntry: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            id: row["id"], at: row.requiredDate("at"), actorEmail: row["actor_email"], client: row["client"], action: row["action"],
            shopID: row["shop_id"], target: row["target"], details: row["details"])
    }
}

/// Append-only: the table's triggers refuse UPDATE and DELETE, so not even a bug in the
/// product can change what it says happened.
public enum AuditLog {
    public static func record(
        _ db: Database, _ actor: AuditActor, _ action: AuditAction, shopID: String?, target: String, details: String = "",
        now: Date
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO audit_log (at, actor_id, actor_email, client, action, shop_id, target, details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [StoredDate(now), actor.userID, actor.email, actor.client, action.rawValue, shopID, target, details])
    }

    public struct Filter: Sendable, Equatable {
        public var action: AuditAction?
        /// The actor's address, exact.
        public var actorEmail: String?
        public var shopID: String?
        /// Only entries older than this id (the next page).
        public var before: Int64?

        public init(action: AuditAction? = nil, actorEmail: String? = nil, shopID: String? = nil, before: Int64? = nil) {
            self.action = action
            self.actorEmail = actorEmail
            self.shopID = shopID
            self.before = before
        }
    }

    /// Newest first.
    public static func entries(_ db: Database, _ filter: Filter, limit: Int) throws -> [AuditEntry] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let action = filter.action {
            conditions.append("action = ?")
            _ = arguments.append(contentsOf: [action.rawValue])
        }
        if let email = filter.actorEmail {
            conditions.append("actor_email = ?")
            _ = arguments.append(contentsOf: [email])
        }
        if let shop = filter.shopID {
            conditions.append("shop_id = ?")
            _ = arguments.append(contentsOf: [shop])
        }
        if let before = filter.before {
            conditions.append("id < ?")
            _ = arguments.append(contentsOf: [before])
        }
        _ = arguments.append(contentsOf: [limit])
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try AuditEntry.fetchAll(db, sql: "SELECT * FROM audit_log \(clause) ORDER BY id DESC LIMIT ?", arguments: arguments)
    }
}
