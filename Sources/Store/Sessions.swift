import Foundation
import GRDB
import Protection

/// A signed-in session. The cookie holds a random token; the database only its hash,
/// so a copy of the database signs nobody in.
public struct SessionRecord: Sendable, Equatable {
    public var idHash: String
    public var role: Role
    public var userID: String?
    public var customerEmail: String?
    public var createdAt: Date
    public var expiresAt: Date
}

public enum Sessions {
    public static let lifetime: TimeInterval = 12 * 3600

    /// Starts a session and returns the cookie value. A new token every sign-in, so a
    /// token planted before sign-in is worth nothing after it.
    public static func create(_ db: Database, viewer: Viewer, now: Date, device: String? = nil) throws -> String {
        let token = Secrets.newToken()
        var userID: String?
        var email: String?
        switch viewer {
        case .anonymous: preconditionFailure("anonymous visitors have no session")
        case .customer(let e): email = e
        case .merchant(let id, _), .agent(let id): userID = id
        }
        try db.execute(
            sql: """
                INSERT INTO sessions (id_hash, role, user_id, customer_email, created_at, expires_at, device, last_seen_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Secrets.hash(token), viewer.role!.rawValue, userID, email, now, now + lifetime, device, now])
        return token
    }

    static let viewerSQL = """
        SELECT s.role, s.customer_email, s.expires_at, u.id AS u_id, u.role AS u_role, u.shop_id, u.email,
               u.password_hash, u.locale, u.created_at, s.last_seen_at, u.owner, u.admin,
               EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL)
        FROM sessions s LEFT JOIN users u ON u.id = s.user_id AND u.deactivated_at IS NULL
        WHERE s.id_hash = ?
        """

    /// The viewer a session cookie stands for (and when the session was last used), or nil
    /// when it is unknown or expired.
    public static func viewer(_ db: Database, token: String, now: Date) throws -> (viewer: Viewer, user: UserRecord?, lastSeen: Date?)? {
        // Read column by column: this runs for every signed-in request.
        typealias Found = (viewer: Viewer, user: UserRecord?, lastSeen: Date?)
        let found: [Found?] = try db.mapRows(sql: viewerSQL, arguments: [Secrets.hash(token)]) { row in
            guard try row.requiredDate(2) > now else { return nil }
            switch row.value(0) as Role? {
            case .customer:
                guard !row.isNull(1) else { return nil }
                return (.customer(email: row.text(1)), nil, row.date(10))
            case .merchant, .agent:
                guard !row.isNull(3) else { return nil }
                var user = UserRecord(
                    id: row.text(3), role: row.value(4) ?? .merchant, shopID: row.optionalText(5), email: row.text(6),
                    passwordHash: row.text(7), locale: row.value(8) ?? .en, createdAt: try row.requiredDate(9), owner: row.bool(11),
                    admin: row.bool(12))
                user.twoStepOn = row.bool(13)
                return (user.viewer, user, row.date(10))
            case nil:
                return nil
            }
        }
        return found.first ?? nil
    }

    /// A staff member's sessions still in use, the newest first.
    public struct Listed: Sendable, Equatable {
        public var idHash: String
        public var device: String?
        public var createdAt: Date
        public var lastSeenAt: Date?
    }

    static let userSessionsSQL = """
        SELECT id_hash, device, created_at, last_seen_at FROM sessions INDEXED BY sessions_user
        WHERE user_id = ? AND expires_at > ? ORDER BY COALESCE(last_seen_at, created_at) DESC LIMIT 50
        """

    public static func list(_ db: Database, userID: String, now: Date) throws -> [Listed] {
        try db.mapRows(sql: userSessionsSQL, arguments: [userID, now]) { row in
            Listed(idHash: row.text(0), device: row.optionalText(1), createdAt: try row.requiredDate(2), lastSeenAt: row.date(3))
        }
    }

    /// Ends one of the user's sessions (by its hash) or, with nil, all but `keep`.
    /// Returns how many ended; another user's session is never touched.
    @discardableResult
    public static func end(_ db: Database, userID: String, idHash: String?, keep: String) throws -> Int {
        if let idHash {
            try db.execute(
                sql: "DELETE FROM sessions WHERE user_id = ? AND id_hash = ? AND id_hash != ?", arguments: [userID, idHash, keep])
        } else {
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ? AND id_hash != ?", arguments: [userID, keep])
        }
        return db.changesCount
    }

    /// Notes that a session was used, at most every `every` seconds (a write on every
    /// request would cost every page a transaction).
    public static func touch(_ db: Database, token: String, now: Date, every: TimeInterval = 300) throws {
        try db.execute(
            sql: "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
            arguments: [now, Secrets.hash(token), now - every])
    }

    public static func delete(_ db: Database, token: String) throws {
        try db.execute(sql: "DELETE FROM sessions WHERE id_hash = ?", arguments: [Secrets.hash(token)])
    }

    /// Forgets sessions and sign-in tokens that can no longer be used.
    public static func purgeExpired(_ db: Database, now: Date) throws -> Int {
        try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [now])
        var removed = db.changesCount
        try db.execute(sql: "DELETE FROM login_tokens WHERE expires_at <= ?", arguments: [now - 86_400])
        removed += db.changesCount
        try db.execute(sql: "DELETE FROM sign_in_failures WHERE at <= ?", arguments: [now - 86_400])
        removed += db.changesCount
        return removed
    }
}

/// One-time (or, for links in case emails, reusable until they expire) sign-in links
/// for customers, stored as hashes.
public enum LoginTokens {
    public static let formLinkLifetime: TimeInterval = 30 * 60

    public static func create(_ db: Database, email: String, lifetime: TimeInterval, reusable: Bool, now: Date) throws -> String {
        let token = Secrets.newToken()
        try db.execute(
            sql: """
                INSERT INTO login_tokens (token_hash, email, reusable, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [Secrets.hash(token), email, reusable, now, now + lifetime])
        return token
    }

    /// Spends a token: the customer's email, or nil when unknown, expired or used.
    public static func redeem(_ db: Database, token: String, now: Date) throws -> String? {
        let hash = Secrets.hash(token)
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT email, reusable, expires_at, used_at FROM login_tokens WHERE token_hash = ?"),
                arguments: [hash])
        else { return nil }
        let expires: Date = row["expires_at"]
        let reusable: Bool = row["reusable"]
        let used: Date? = row["used_at"]
        guard expires > now, reusable || used == nil else { return nil }
        if !reusable {
            try db.execute(sql: "UPDATE login_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", arguments: [now, hash])
            guard db.changesCount == 1 else { return nil }
        }
        return row["email"]
    }
}

/// Failed sign-ins, counted per account and per client address.
public enum SignInThrottle {
    public static let window: TimeInterval = 15 * 60
    public static let limit = 10

    public static func isBlocked(_ db: Database, account: String, client: String, now: Date) throws -> Bool {
        let since = now - window
        let byAccount =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM sign_in_failures WHERE account = ? AND at > ?"),
                arguments: [account, since]) ?? 0
        if byAccount >= limit { return true }
        let byClient =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM sign_in_failures WHERE client = ? AND at > ?"),
                arguments: [client, since]) ?? 0
        return byClient >= limit
    }

    public static func recordFailure(_ db: Database, account: String, client: String, now: Date) throws {
        try db.execute(sql: "INSERT INTO sign_in_failures (account, client, at) VALUES (?, ?, ?)", arguments: [account, client, now])
    }
}
