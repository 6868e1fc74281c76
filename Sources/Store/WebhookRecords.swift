import Foundation
import GRDB
import Protection

/// An HTTPS endpoint of a shop's own system that hears about its cases.
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: String
    public var shopID: String
    public var url: String
    public var events: [WebhookEventType]
    /// Signs every delivery; shown to the shop once, when made or rotated.
    public var secret: String
    /// The secret before the last rotation, still signing beside the new one until
    /// `previousSecretUntil`, so the shop can switch its receiver without losing a delivery.
    public var previousSecret: String?
    public var previousSecretUntil: Date?
    public var createdAt: Date
    public var deletedAt: Date?

    public init(
        id: String, shopID: String, url: String, events: [WebhookEventType], secret: String, previousSecret: String? = nil,
        previousSecretUntil: Date? = nil, createdAt: Date, deletedAt: Date? = nil
    ) {
        self.id = id
        self.shopID = shopID
        self.url = url
        self.events = events
        self.secret = secret
        self.previousSecret = previousSecret
        self.previousSecretUntil = previousSecretUntil
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }

    /// The secrets a delivery made at `now` is signed with, the current one first.
    public func signingSecrets(at now: Date) -> [String] {
        guard let previousSecret, let until = previousSecretUntil, now < until else { return [secret] }
        return [secret, previousSecret]
    }
}

extension WebhookEndpoint: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            id: row["id"], shopID: row["shop_id"], url: row["url"], events: WebhookEventType.parseList(row["events"]),
            secret: row["secret"], previousSecret: row["previous_secret"], previousSecretUntil: row.date("previous_secret_until"),
            createdAt: row.requiredDate("created_at"), deletedAt: row.date("deleted_at"))
    }
}

/// One event on its way to one endpoint, and what became of it.
public struct WebhookDelivery: Sendable, Equatable {
    public enum State: String, Sendable { case pending, sending, delivered, failed }

    public var seq: Int64
    public var id: String
    public var endpointID: String
    public var eventID: String
    public var eventType: String
    public var body: String
    public var createdAt: Date
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastAttemptAt: Date?
    public var lastStatus: Int?
    public var lastDurationMs: Int?
    public var lastError: String?
    public var deliveredAt: Date?
}

extension WebhookDelivery: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            seq: row["seq"], id: row["id"], endpointID: row["endpoint_id"], eventID: row["event_id"], eventType: row["event_type"],
            body: row["body"], createdAt: row.requiredDate("created_at"), state: State(rawValue: row["state"]) ?? .pending,
            attempts: row["attempts"], nextAttemptAt: row.requiredDate("next_attempt_at"), lastAttemptAt: row.date("last_attempt_at"),
            lastStatus: row["last_status"], lastDurationMs: row["last_duration_ms"], lastError: row["last_error"],
            deliveredAt: row.date("delivered_at"))
    }
}

/// What happened when a delivery was tried.
public struct WebhookAttempt: Sendable, Equatable {
    public var status: Int?
    public var durationMs: Int
    /// Why it failed (timeout, refused address, a redirect, a 500); nil when delivered.
    public var error: String?

    public init(status: Int?, durationMs: Int, error: String?) {
        self.status = status
        self.durationMs = durationMs
        self.error = error
    }

    public var delivered: Bool { error == nil }
}

public enum WebhookOutbox {
    public static func insert(_ db: Database, _ endpoint: WebhookEndpoint, createdBy: String?) throws {
        try db.execute(
            sql: """
                INSERT INTO webhook_endpoints (id, shop_id, url, events, secret, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                endpoint.id, endpoint.shopID, endpoint.url, WebhookEventType.list(endpoint.events), endpoint.secret,
                StoredDate(endpoint.createdAt), createdBy,
            ])
    }

    public static func endpoint(_ db: Database, id: String) throws -> WebhookEndpoint? {
        try WebhookEndpoint.fetchOne(db, sql: "SELECT * FROM webhook_endpoints WHERE id = ?", arguments: [id])
    }

    /// A shop's endpoints, newest first; deleted ones only when asked (their log stays).
    public static func endpoints(_ db: Database, shopID: String) throws -> [WebhookEndpoint] {
        try WebhookEndpoint.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM webhook_endpoints WHERE shop_id = ? AND deleted_at IS NULL ORDER BY created_at DESC"),
            arguments: [shopID])
    }

    /// Queues one delivery per endpoint of the shop subscribed to `type`; `body(eventID)`
    /// is asked once. Inside the caller's transaction, beside the change it tells of.
    public static func enqueue(_ db: Database, shopID: String, type: WebhookEventType, now: Date, body: (String) throws -> String) throws {
        try enqueue(db, to: endpoints(db, shopID: shopID), type: type, now: now, body: body)
    }

    /// The same, for endpoints the caller already read.
    public static func enqueue(
        _ db: Database, to endpoints: [WebhookEndpoint], type: WebhookEventType, now: Date, body: (String) throws -> String
    ) throws {
        let subscribers = endpoints.filter { $0.events.contains(type) }
        guard !subscribers.isEmpty else { return }
        let eventID = "evt_" + Secrets.newID()
        let text = try body(eventID)
        for endpoint in subscribers {
            try insertDelivery(db, endpointID: endpoint.id, eventID: eventID, type: type.rawValue, body: text, now: now)
        }
    }

    static func insertDelivery(_ db: Database, endpointID: String, eventID: String, type: String, body: String, now: Date) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: ["dlv_" + Secrets.newID(), endpointID, eventID, type, body, StoredDate(now), StoredDate(now)])
    }

    public static func rotateSecret(_ db: Database, id: String, newSecret: String, overlapUntil: Date) throws {
        try db.execute(
            sql: """
                UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?, secret = ? WHERE id = ? AND deleted_at IS NULL
                """, arguments: [StoredDate(overlapUntil), newSecret, id])
    }

    /// Stops an endpoint: nothing more is queued for it and what waits is dropped as failed.
    public static func delete(_ db: Database, id: String, now: Date) throws {
        try db.execute(
            sql: "UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", arguments: [StoredDate(now), id])
        try db.execute(
            sql: """
                UPDATE webhook_deliveries SET state = 'failed', last_error = 'endpoint deleted'
                WHERE endpoint_id = ? AND state IN ('pending', 'sending')
                """, arguments: [id])
    }

    /// How many deliveries wait (or are being retried) per endpoint; endpoints with none are absent.
    public static func waitingCounts(_ db: Database, endpointIDs: [String]) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for id in endpointIDs {
            let n =
                try Int.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ? AND state IN ('pending', 'sending')"),
                    arguments: [id]) ?? 0
            if n > 0 { counts[id] = n }
        }
        return counts
    }

    /// The delivery log of an endpoint, newest first.
    public static func log(_ db: Database, endpointID: String, limit: Int) throws -> [WebhookDelivery] {
        try WebhookDelivery.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?"),
            arguments: [endpointID, limit])
    }

    /// Sends a logged delivery again: the same event (id, type, body) as a new delivery at
    /// the end of the endpoint's line. False when there is no such delivery of this endpoint.
    public static func resend(_ db: Database, deliveryID: String, endpointID: String, now: Date) throws -> Bool {
        guard
            let original = try WebhookDelivery.fetchOne(
                db, sql: "SELECT * FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?", arguments: [deliveryID, endpointID])
        else { return false }
        try insertDelivery(db, endpointID: endpointID, eventID: original.eventID, type: original.eventType, body: original.body, now: now)
        return true
    }

    static let headsSQL = """
        SELECT d.* FROM webhook_deliveries d
        JOIN (SELECT endpoint_id, MIN(seq) AS head FROM webhook_deliveries WHERE state IN ('pending', 'sending') GROUP BY endpoint_id) w
          ON d.seq = w.head
        WHERE d.next_attempt_at <= ?
        ORDER BY d.next_attempt_at
        LIMIT ?
        """

    /// Takes the oldest waiting delivery of each endpoint that is due, leased (`sending`,
    /// due again after `lease`) inside the write transaction: two workers never send the
    /// same delivery, one that dies mid-send only delays it, and an endpoint's later
    /// deliveries wait behind it, so a shop receives its events in order.
    public static func claimDue(_ db: Database, now: Date, limit: Int, lease: TimeInterval) throws -> [(WebhookDelivery, WebhookEndpoint)] {
        let due = try WebhookDelivery.fetchAll(db.cachedStatement(sql: headsSQL), arguments: [StoredDate(now), limit])
        var claimed: [(WebhookDelivery, WebhookEndpoint)] = []
        for delivery in due {
            guard let endpoint = try endpoint(db, id: delivery.endpointID) else { continue }
            try db.execute(
                sql: "UPDATE webhook_deliveries SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE seq = ?",
                arguments: [StoredDate(now + lease), delivery.seq])
            var leased = delivery
            leased.attempts += 1
            claimed.append((leased, endpoint))
        }
        return claimed
    }

    /// Records an attempt: delivered, due again after `retryAfter`, or failed for good.
    public static func record(_ db: Database, seq: Int64, attempt: WebhookAttempt, retryAfter: TimeInterval?, now: Date) throws {
        let state = attempt.delivered ? "delivered" : retryAfter == nil ? "failed" : "pending"
        try db.execute(
            sql: """
                UPDATE webhook_deliveries SET state = ?, last_attempt_at = ?, last_status = ?, last_duration_ms = ?, last_error = ?,
                    delivered_at = CASE WHEN ? = 'delivered' THEN ? END, next_attempt_at = ?
                WHERE seq = ? AND state = 'sending'
                """,
            arguments: [
                state, StoredDate(now), attempt.status, attempt.durationMs, attempt.error, state, StoredDate(now),
                StoredDate(now + (retryAfter ?? 0)), seq,
            ])
    }
}
