import Crypto
import Foundation
import GRDB
import Protection
import Store

/// Two-step sign-in (TOTP): set up from `/settings/two-step`, asked for after a right
/// password, with ten one-time recovery codes for a lost phone. Agents decide payouts,
/// so `BP_REQUIRE_2FA` (default `agents`) makes them set it up before anything else.
extension App {
    public enum TwoStepState: Sendable, Equatable {
        case off
        /// Set up but not yet confirmed with a first code: the secret to show again.
        case pending(secret: [UInt8])
        case on(since: Date, recoveryCodesLeft: Int)
    }

    public func twoStepState(of user: UserRecord) throws -> TwoStepState {
        try database.read { db in
            guard let credential = try TwoStepRecords.credential(db, userID: user.id) else { return .off }
            guard let since = credential.enabledAt else { return .pending(secret: try openSecret(credential.sealedSecret)) }
            return .on(since: since, recoveryCodesLeft: try TwoStepRecords.unusedRecoveryCodes(db, userID: user.id))
        }
    }

    /// Whether this user must have two-step sign-in on before using the product.
    public func mustSetUpTwoStep(_ user: UserRecord) -> Bool {
        config.requireTwoStep.applies(to: user.role) && !user.twoStepOn
    }

    /// A new secret to set up (again); nothing changes while it is already on.
    public func startTwoStepSetup(user: UserRecord) throws {
        let sealed = try sealSecret(Secrets.randomBytes(TOTP.secretLength))
        try database.write { db in try TwoStepRecords.startSetup(db, userID: user.id, sealedSecret: sealed, now: now()) }
    }

    /// The first code from the app turns the setup on; the answer is the recovery codes,
    /// shown once.
    public func confirmTwoStep(user: UserRecord, code: String, client: String) throws -> [String] {
        let account = "totp:" + user.id
        let now = now()
        return try database.write { db in
            if try SignInThrottle.isBlocked(db, account: account, client: client, now: now) {
                throw FormRejection(general: Message("error_429_sign_in"), status: 429)
            }
            guard let credential = try TwoStepRecords.credential(db, userID: user.id), credential.enabledAt == nil else {
                throw FormRejection(general: Message("two_step_setup_gone"), status: 409)
            }
            guard
                let step = TOTP.matchingStep(code, secret: try openSecret(credential.sealedSecret), now: now, after: 0),
                try TwoStepRecords.enable(db, userID: user.id, step: step, now: now)
            else {
                try SignInThrottle.recordFailure(db, account: account, client: client, now: now)
                throw FormRejection.field("code", "error_two_step_code_wrong")
            }
            try AuditLog.record(db, actor(user, client), .twoStepEnabled, shopID: user.shopID, target: user.email, now: now)
            return try TwoStepRecords.newRecoveryCodes(db, userID: user.id)
        }
    }

    /// Turns it off (a merchant who opted in, or anyone the operator does not require
    /// it of) after the current password; refused where it is required.
    public func turnOffTwoStep(user: UserRecord, password: String, client: String) throws {
        guard !config.requireTwoStep.applies(to: user.role) else {
            throw FormRejection(general: Message("two_step_required_cannot_turn_off"), status: 409)
        }
        try requireCurrentPassword(user: user, password: password, client: client)
        try database.write { db in
            try TwoStepRecords.remove(db, userID: user.id)
            try AuditLog.record(db, actor(user, client), .twoStepDisabled, shopID: user.shopID, target: user.email, now: now())
        }
    }

    /// Ten new recovery codes (the old ones stop), after the current password.
    public func renewRecoveryCodes(user: UserRecord, password: String, client: String) throws -> [String] {
        try requireCurrentPassword(user: user, password: password, client: client)
        return try database.write { db in
            guard try TwoStepRecords.credential(db, userID: user.id)?.enabledAt != nil else {
                throw FormRejection(general: Message("two_step_setup_gone"), status: 409)
            }
            try AuditLog.record(db, actor(user, client), .recoveryCodesRenewed, shopID: user.shopID, target: user.email, now: now())
            return try TwoStepRecords.newRecoveryCodes(db, userID: user.id)
        }
    }

    /// An admin turns someone's two-step sign-in off (phone and recovery codes lost);
    /// their sessions end, and where it is required they set it up again at sign-in.
    public func resetTwoStep(userID: String, by actor: AuditActor) throws {
        guard userID != actor.userID else { throw NotFound() }
        try database.write { db in
            guard let user = try UserRecord.find(db, id: userID), try TwoStepRecords.credential(db, userID: userID) != nil else {
                throw NotFound()
            }
            try TwoStepRecords.remove(db, userID: userID)
            try Sessions.endAll(db, userID: userID)
            try AuditLog.record(db, actor, .twoStepReset, shopID: user.shopID, target: user.email, now: now())
        }
    }

    public enum SecondStepResult: Sendable, Equatable {
        case signedIn(sessionToken: String, user: UserRecord)
        case wrongCode
        /// The right code, but it (or a later one) was already used: wait for the next.
        case codeAlreadyUsed
        /// The waiting sign-in is unknown or older than ten minutes: the password again.
        case expired
        case throttled
    }

    /// The code form after a right password: a fresh TOTP code or an unused recovery code.
    public func completeSignIn(challenge token: String, code: String, client: String) throws -> SecondStepResult {
        let now = now()
        return try database.write { db in
            guard let waiting = try TwoStepRecords.challenge(db, token: token, now: now),
                let user = try UserRecord.find(db, id: waiting.userID), user.deactivatedAt == nil,
                let credential = try TwoStepRecords.credential(db, userID: user.id), credential.enabledAt != nil
            else { return .expired }
            let account = "totp:" + user.id
            if try SignInThrottle.isBlocked(db, account: account, client: client, now: now) { return .throttled }
            let secret = try openSecret(credential.sealedSecret)
            if let step = TOTP.matchingStep(code, secret: secret, now: now, after: credential.lastStep),
                try TwoStepRecords.spend(db, userID: user.id, step: step)
            {
                // A fresh code.
            } else if try TwoStepRecords.useRecoveryCode(db, userID: user.id, typed: code, now: now) {
                try AuditLog.record(db, actor(user, client), .recoveryCodeUsed, shopID: user.shopID, target: user.email, now: now)
            } else {
                try SignInThrottle.recordFailure(db, account: account, client: client, now: now)
                let replayed = TOTP.matchingStep(code, secret: secret, now: now, after: Int64.min) != nil
                return replayed ? .codeAlreadyUsed : .wrongCode
            }
            try TwoStepRecords.endChallenge(db, token: token)
            let session = try Sessions.create(db, viewer: user.viewer, now: now, device: waiting.device)
            var signedIn = user
            signedIn.twoStepOn = true
            return .signedIn(sessionToken: session, user: signedIn)
        }
    }

    // MARK: Helpers

    private func actor(_ user: UserRecord, _ client: String) -> AuditActor {
        AuditActor(userID: user.id, email: user.email, client: client)
    }

    /// Secrets are sealed with a key derived from the installation's `secret.key`, so
    /// the database alone (a backup, a stolen copy) cannot produce codes.
    private var twoStepKey: SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Array("buyer-protection totp secrets v1".utf8),
            outputByteCount: 32)
    }

    func sealSecret(_ plain: [UInt8]) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(plain, using: twoStepKey).combined else { throw CryptoKitError.incorrectParameterSize }
        return Array(combined)
    }

    func openSecret(_ sealed: [UInt8]) throws -> [UInt8] {
        Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: twoStepKey))
    }
}
