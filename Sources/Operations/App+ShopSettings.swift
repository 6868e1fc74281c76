import Foundation
import GRDB
import Mail
import Protection
import Rendering
import Store

/// What a shop's owner changes without the operator: where the case emails go, and the
/// shop's API keys (several, named, each revocable on its own, shown once).
extension App {
    public static let maxNotificationEmails = 10
    public static let maxActiveAPIKeys = 10

    /// Reads the addresses as typed (commas, semicolons, spaces or lines between them).
    public func setNotificationEmails(shopID: String, text: String, by actor: AuditActor) throws -> [String] {
        let addresses: [String]
        switch Self.notificationAddresses(text) {
        case .success(let list): addresses = list
        case .failure(let refusal): throw FormRejection(fields: ["emails": refusal.message])
        }
        try database.write { db in
            guard try ShopRecord.find(db, id: shopID) != nil else { throw NotFound() }
            try ShopRecord.setNotificationEmails(db, id: shopID, emails: addresses)
            try AuditLog.record(
                db, actor, .notificationEmailsChanged, shopID: shopID, target: shopID, details: addresses.joined(separator: ", "),
                now: now())
        }
        return addresses
    }

    struct AddressesRefused: Error {
        let message: Message
    }

    /// A shop's notification addresses as typed: each an address, 1 to 10 of them, each once.
    static func notificationAddresses(_ text: String) -> Result<[String], AddressesRefused> {
        var addresses: [String] = []
        for raw in EmailAddress.listItems(text) {
            guard let email = EmailAddress.normalize(raw) else {
                return .failure(AddressesRefused(message: Message("error_emails_invalid", ["address": String(raw.prefix(80))])))
            }
            if !addresses.contains(email) { addresses.append(email) }
        }
        if addresses.isEmpty { return .failure(AddressesRefused(message: Message("error_emails_required"))) }
        if addresses.count > maxNotificationEmails {
            return .failure(AddressesRefused(message: Message("error_emails_too_many", ["max": String(maxNotificationEmails)])))
        }
        return .success(addresses)
    }

    public func apiKeys(shopID: String) throws -> [APIKeyRecord] {
        try database.read { db in try APIKeys.all(db, shopID: shopID) }
    }

    /// A new key named by the owner; the key itself is returned once and kept only hashed.
    public func createAPIKey(shopID: String, name rawName: String, by actor: AuditActor) throws -> String {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw FormRejection.field("name", "error_key_name_required") }
        guard name.count <= 60, name.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else {
            throw FormRejection.field("name", "error_key_name_invalid")
        }
        let key = "bpk_" + Secrets.newToken()
        let now = now()
        try database.write { db in
            let keys = try APIKeys.all(db, shopID: shopID)
            guard keys.filter({ $0.revokedAt == nil }).count < Self.maxActiveAPIKeys else {
                throw FormRejection(fields: ["name": Message("error_key_too_many", ["max": String(Self.maxActiveAPIKeys)])])
            }
            guard !keys.contains(where: { $0.revokedAt == nil && $0.name.lowercased() == name.lowercased() }) else {
                throw FormRejection.field("name", "error_key_name_taken")
            }
            try APIKeys.insert(db, shopID: shopID, name: name, keyHash: Secrets.hash(key), by: actor.userID ?? "", now: now)
            try AuditLog.record(db, actor, .apiKeyCreated, shopID: shopID, target: name, now: now)
        }
        return key
    }

    /// Stops a key at once: the next request with it is a 401.
    public func revokeAPIKey(id: String, shopID: String, by actor: AuditActor) throws {
        let now = now()
        try database.write { db in
            guard try APIKeys.revoke(db, id: id, shopID: shopID, now: now) else { throw NotFound() }
            let name = try String.fetchOne(db, sql: "SELECT name FROM api_keys WHERE id = ?", arguments: [id]) ?? id
            try AuditLog.record(db, actor, .apiKeyRevoked, shopID: shopID, target: name, now: now)
        }
    }
}

/// The shop's colleagues: the owner invites a merchant by email (the link in the
/// invitation sets the password, as a password link does, for 7 days) and deactivates
/// one (every session ends, sign-in and password links stop; the history stays).
extension App {
    public func colleagues(shopID: String) throws -> [UserRecord] {
        try database.read { db in try UserRecord.merchants(db, shopID: shopID) }
    }

    public func inviteColleague(shopID: String, email: String, by actor: AuditActor) throws {
        try invite(email: email, role: .merchant, shopID: shopID, by: actor)
    }

    /// Not oneself: an owner who locks themself out would need the operator.
    public func deactivateColleague(id: String, shopID: String, by actor: AuditActor) throws {
        guard id != actor.userID else { throw NotFound() }
        let now = now()
        try database.write { db in
            guard try UserRecord.deactivate(db, id: id, shopID: shopID, now: now) else { throw NotFound() }
            let email = try UserRecord.find(db, id: id)?.email ?? id
            try AuditLog.record(db, actor, .colleagueDeactivated, shopID: shopID, target: email, now: now)
        }
    }
}
