import Foundation
import GRDB
import Protection

/// Single-use links that let staff who forgot their password set a new one. The email
/// holds the token; the database only its hash.
public enum PasswordResets {
    public static let lifetime: TimeInterval = 30 * 60
    /// An invitation sets the first password through the same kind of link, for longer.
    public static let invitationLifetime: TimeInterval = 7 * 86_400

    public static func create(_ db: Database, userID: String, now: Date, lifetime: TimeInterval = lifetime) throws -> String {
        let token = Secrets.newToken()
        try db.execute(
            sql: "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            arguments: [Secrets.hash(token), userID, now, now + lifetime])
        return token
    }

    /// The user a link is for while it is unused and unexpired.
    public static func user(_ db: Database, token: String, now: Date) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            arguments: [Secrets.hash(token), now])
    }

    /// Uses a link up, and every other open link of the same user with it.
    public static func spend(_ db: Database, userID: String, now: Date) throws {
        try db.execute(sql: "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL", arguments: [now, userID])
    }
}

extension Sessions {
    /// Ends every session of a user (their password changed hands).
    public static func endAll(_ db: Database, userID: String) throws {
        try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
    }
}
