import Foundation
import GRDB

/// A user's TOTP credential: set up (pending) until a first code confirms it, then on.
public struct TOTPCredential: Sendable, Equatable {
    public var sealedSecret: [UInt8]
    public var createdAt: Date
    public var enabledAt: Date?
    /// The last 30-second step a code was accepted for; only later ones count.
    public var lastStep: Int64
}

/// The rows behind two-step sign-in. The secret arrives sealed (Operations holds the
/// key), recovery codes and challenge tokens arrive as hashes' sources and are stored hashed.
public enum TwoStepRecords {
    public static let recoveryCodeCount = 10

    public static func credential(_ db: Database, userID: String) throws -> TOTPCredential? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT sealed_secret, created_at, enabled_at, last_step FROM totp_credentials WHERE user_id = ?"),
            arguments: [userID]
        ).map { row in
            TOTPCredential(
                sealedSecret: Array(row[0] as Data), createdAt: row.requiredDate(1), enabledAt: row.date(2), lastStep: row[3])
        }
    }

    /// Starts (or starts over) a setup: a new secret, not yet on.
    public static func startSetup(_ db: Database, userID: String, sealedSecret: [UInt8], now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO totp_credentials (user_id, sealed_secret, created_at, enabled_at, last_step) VALUES (?, ?, ?, NULL, 0)
                ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, created_at = excluded.created_at,
                    enabled_at = NULL, last_step = 0
                WHERE totp_credentials.enabled_at IS NULL
                """, arguments: [userID, Data(sealedSecret), StoredDate(now)])
    }

    /// Turns a pending setup on, with the step of the code that confirmed it spent.
    public static func enable(_ db: Database, userID: String, step: Int64, now: Date) throws -> Bool {
        try db.execute(
            sql: "UPDATE totp_credentials SET enabled_at = ?, last_step = ? WHERE user_id = ? AND enabled_at IS NULL",
            arguments: [StoredDate(now), step, userID])
        return db.changesCount == 1
    }

    /// Spends a step: true when it is later than the last one spent. Done in the write
    /// that signs in, so two requests with the same code cannot both pass.
    public static func spend(_ db: Database, userID: String, step: Int64) throws -> Bool {
        try db.execute(
            sql: "UPDATE totp_credentials SET last_step = ? WHERE user_id = ? AND last_step < ? AND enabled_at IS NOT NULL",
            arguments: [step, userID, step])
        return db.changesCount == 1
    }

    /// Turns two-step sign-in off: secret, recovery codes and waiting sign-ins go.
    public static func remove(_ db: Database, userID: String) throws {
        try db.execute(sql: "DELETE FROM totp_credentials WHERE user_id = ?", arguments: [userID])
        try db.execute(sql: "DELETE FROM recovery_codes WHERE user_id = ?", arguments: [userID])
        try db.execute(sql: "DELETE FROM sign_in_challenges WHERE user_id = ?", arguments: [userID])
    }

    // MARK: Recovery codes

    /// Replaces the user's recovery codes with new ones and returns them to show once.
    public static func newRecoveryCodes(_ db: Database, userID: String) throws -> [String] {
        try db.execute(sql: "DELETE FROM recovery_codes WHERE user_id = ?", arguments: [userID])
        var codes: [String] = []
        while codes.count < recoveryCodeCount {
            // 50 random bits each, written as two groups of five.
            let raw = String(Secrets.newID().prefix(10))
            let code = String(raw.prefix(5)) + "-" + String(raw.suffix(5))
            guard !codes.contains(code) else { continue }
            codes.append(code)
            try db.execute(
                sql: "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", arguments: [userID, Secrets.hash(raw)])
        }
        return codes
    }

    /// Uses a recovery code up; false when it is not one of the user's unused codes.
    public static func useRecoveryCode(_ db: Database, userID: String, typed: String, now: Date) throws -> Bool {
        let raw = typed.lowercased().filter { !$0.isWhitespace && $0 != "-" }
        guard Secrets.looksLikeToken(raw, length: 10) else { return false }
        try db.execute(
            sql: "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
            arguments: [StoredDate(now), userID, Secrets.hash(raw)])
        return db.changesCount == 1
    }

    public static func unusedRecoveryCodes(_ db: Database, userID: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", arguments: [userID])
            ?? 0
    }

    // MARK: Sign-ins waiting for the second step

    public static let challengeLifetime: TimeInterval = 10 * 60

    /// After a right password: a token for the browser to carry to the code form.
    public static func createChallenge(_ db: Database, userID: String, device: String?, now: Date) throws -> String {
        let token = Secrets.newToken()
        try db.execute(sql: "DELETE FROM sign_in_challenges WHERE expires_at <= ?", arguments: [StoredDate(now)])
        try db.execute(
            sql: "INSERT INTO sign_in_challenges (id_hash, user_id, device, expires_at) VALUES (?, ?, ?, ?)",
            arguments: [Secrets.hash(token), userID, device, StoredDate(now + challengeLifetime)])
        return token
    }

    /// The user (and device) a waiting sign-in is for, while it lasts.
    public static func challenge(_ db: Database, token: String, now: Date) throws -> (userID: String, device: String?)? {
        guard Secrets.looksLikeToken(token, length: Secrets.tokenLength) else { return nil }
        return try Row.fetchOne(
            db, sql: "SELECT user_id, device FROM sign_in_challenges WHERE id_hash = ? AND expires_at > ?",
            arguments: [Secrets.hash(token), StoredDate(now)]
        ).map { ($0[0], $0[1]) }
    }

    public static func endChallenge(_ db: Database, token: String) throws {
        try db.execute(sql: "DELETE FROM sign_in_challenges WHERE id_hash = ?", arguments: [Secrets.hash(token)])
    }
}
