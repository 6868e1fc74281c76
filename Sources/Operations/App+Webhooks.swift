import Foundation
import GRDB
import Protection
import Store

/// A shop's webhook endpoints as its owner (or an admin) manages them, and the deliveries
/// every change queues for them in its own transaction. Sending is `bp worker`'s
/// (the Webhooks module).
extension App {
    /// A new endpoint's secret: 32 random bytes, prefixed so it is recognised when pasted.
    static func newWebhookSecret() -> String { "whsec_" + Secrets.newToken() }

    /// Registers an endpoint; refuses, beside its field, a URL that is not https, leads to
    /// a private address or does not resolve, and an empty choice of events.
    public func addWebhook(shopID: String, url rawURL: String, events: [String], by actor: AuditActor) throws -> WebhookEndpoint {
        let url = rawURL.trimmingCharacters(in: .whitespaces)
        var fields: [String: Message] = [:]
        if url.isEmpty {
            fields["url"] = Message("error_webhook_url_required")
        } else if case .failure(let refusal) = config.webhookAddresses.checkResolving(url: url) {
            fields["url"] = Message(Self.refusalKey(refusal))
        }
        let chosen = WebhookEventType.allCases.filter { events.contains($0.rawValue) }
        if chosen.isEmpty || chosen.count != Set(events).count { fields["events"] = Message("error_webhook_events") }
        guard fields.isEmpty else { throw FormRejection(fields: fields) }
        let endpoint = WebhookEndpoint(
            id: Secrets.newID(), shopID: shopID, url: url, events: chosen, secret: Self.newWebhookSecret(), createdAt: now())
        try database.write { db in
            guard try ShopRecord.find(db, id: shopID) != nil else { throw NotFound() }
            guard try WebhookOutbox.endpoints(db, shopID: shopID).count < 10 else {
                throw FormRejection(fields: ["url": Message("error_webhook_too_many")])
            }
            try WebhookOutbox.insert(db, endpoint, createdBy: actor.userID)
            try AuditLog.record(
                db, actor, .webhookAdded, shopID: shopID, target: url, details: WebhookEventType.list(chosen), now: endpoint.createdAt)
        }
        return endpoint
    }

    static func refusalKey(_ refusal: WebhookAddressPolicy.Refusal) -> String {
        switch refusal {
        case .malformed, .tooLong: "error_webhook_url_malformed"
        case .notHTTPS: "error_webhook_url_https"
        case .credentials: "error_webhook_url_credentials"
        case .privateAddress: "error_webhook_url_private"
        case .unresolvable: "error_webhook_url_unresolvable"
        }
    }

    /// The endpoint, if it belongs to `shopID` and is not deleted; else NotFound.
    public func webhook(_ id: String, shopID: String) throws -> WebhookEndpoint {
        try database.read { db in try Self.ownWebhook(db, id, shopID: shopID) }
    }

    static func ownWebhook(_ db: Database, _ id: String, shopID: String) throws -> WebhookEndpoint {
        guard let endpoint = try WebhookOutbox.endpoint(db, id: id), endpoint.shopID == shopID, endpoint.deletedAt == nil else {
            throw NotFound()
        }
        return endpoint
    }

    public func webhooks(shopID: String) throws -> [WebhookEndpoint] {
        try database.read { db in try WebhookOutbox.endpoints(db, shopID: shopID) }
    }

    public func webhookLog(_ id: String, shopID: String, limit: Int = 50) throws -> (WebhookEndpoint, [WebhookDelivery]) {
        try database.read { db in
            let endpoint = try Self.ownWebhook(db, id, shopID: shopID)
            return (endpoint, try WebhookOutbox.log(db, endpointID: id, limit: limit))
        }
    }

    /// A new secret; the old one keeps signing beside it for `BP_WEBHOOK_SECRET_OVERLAP_HOURS`.
    public func rotateWebhookSecret(_ id: String, shopID: String, by actor: AuditActor) throws -> WebhookEndpoint {
        let secret = Self.newWebhookSecret()
        let now = now()
        return try database.write { db in
            let endpoint = try Self.ownWebhook(db, id, shopID: shopID)
            try WebhookOutbox.rotateSecret(db, id: id, newSecret: secret, overlapUntil: now + config.webhookSecretOverlap)
            try AuditLog.record(db, actor, .webhookSecretRotated, shopID: shopID, target: endpoint.url, now: now)
            return try Self.ownWebhook(db, id, shopID: shopID)
        }
    }

    public func deleteWebhook(_ id: String, shopID: String, by actor: AuditActor) throws {
        let now = now()
        try database.write { db in
            let endpoint = try Self.ownWebhook(db, id, shopID: shopID)
            try WebhookOutbox.delete(db, id: id, now: now)
            try AuditLog.record(db, actor, .webhookDeleted, shopID: shopID, target: endpoint.url, now: now)
        }
    }

    public func resendWebhookDelivery(_ deliveryID: String, endpointID: String, shopID: String, by actor: AuditActor) throws {
        let now = now()
        try database.write { db in
            let endpoint = try Self.ownWebhook(db, endpointID, shopID: shopID)
            guard try WebhookOutbox.resend(db, deliveryID: deliveryID, endpointID: endpointID, now: now) else { throw NotFound() }
            try AuditLog.record(db, actor, .webhookResent, shopID: shopID, target: endpoint.url, details: deliveryID, now: now)
        }
    }

    /// Queues the deliveries a transition's events cause, after the case row is written
    /// (the body shows the case as it is now). One body per event, shared by its endpoints.
    func enqueueWebhooks(for events: [EventDraft], context: CaseContext, db: Database, now: Date) throws {
        let types = events.compactMap { WebhookEventType.of($0, caseKind: context.record.file.kind) }
        guard !types.isEmpty else { return }
        let endpoints = try WebhookOutbox.endpoints(db, shopID: context.record.shopID)
        guard !endpoints.isEmpty else { return }
        for type in types {
            try WebhookOutbox.enqueue(db, to: endpoints, type: type, now: now) { eventID in
                guard let summary = try CaseListing.claimSummary(db, protectionID: context.record.protectionID) else { return "" }
                return Self.webhookBody(id: eventID, type: type, at: now) {
                    $0.key("case")
                    $0.caseSummary(summary)
                }
            }
        }
    }

    /// `protection.expired` for protections the sweeper just expired, for shops that listen.
    func enqueueExpiryWebhooks(protectionIDs: [(id: String, shopID: String)], db: Database, now: Date) throws {
        guard !protectionIDs.isEmpty else { return }
        let listening = try Set(
            String.fetchAll(
                db, sql: "SELECT DISTINCT shop_id FROM webhook_endpoints WHERE deleted_at IS NULL AND ',' || events || ',' LIKE ?",
                arguments: ["%,\(WebhookEventType.protectionExpired.rawValue),%"]))
        for (id, shopID) in protectionIDs where listening.contains(shopID) {
            guard let protection = try ProtectionRecord.find(db, id: id) else { continue }
            try WebhookOutbox.enqueue(db, shopID: shopID, type: .protectionExpired, now: now) { eventID in
                Self.webhookBody(id: eventID, type: .protectionExpired, at: now) {
                    $0.key("protection")
                    $0.protection(protection, state: ProtectionState.expired.rawValue, claim: .some(nil))
                }
            }
        }
    }

    /// `{"created_at", "data": {…}, "id", "type"}`, keys sorted like the API's.
    static func webhookBody(id: String, type: WebhookEventType, at now: Date, data: (inout JSONWriter) -> Void) -> String {
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.field("created_at", ISO8601.string(now))
        json.key("data")
        json.beginObject()
        data(&json)
        json.endObject()
        json.field("id", id)
        json.field("type", type.rawValue)
        json.endObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
