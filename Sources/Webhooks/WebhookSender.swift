import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Operations
import Protection
import Store

/// Sends the deliveries waiting in the webhook outbox: each endpoint's oldest one first,
/// signed, with 10 s for the whole exchange, no redirects followed and the receiver's
/// body read no further than 64 KB. A 2xx is delivered; anything else is tried again on
/// `WebhookRetry`'s schedule for three days. Before each send the host is resolved and
/// every address checked again, so a name that later points inward is refused.
public final class WebhookSender: Sendable {
    let app: App
    let client: HTTPClient
    let logger = Logger(label: "bp.webhooks")
    static let timeout: Int64 = 10
    static let lease: TimeInterval = 60

    public init(app: App) {
        self.app = app
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(Self.timeout), read: .seconds(Self.timeout)))
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() {
        try? client.syncShutdown()
    }

    public struct Report: Sendable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0
        public init() {}
    }

    /// Sends what is due until nothing is or `budget` seconds have passed (a receiver that
    /// hangs costs one timeout per pass, never a stuck worker).
    public func deliverDue(now: () -> Date, budget: TimeInterval = 5) throws -> Report {
        var report = Report()
        let started = Date()
        while Date().timeIntervalSince(started) < budget {
            let claimed = try app.database.write { db in try WebhookOutbox.claimDue(db, now: now(), limit: 20, lease: Self.lease) }
            if claimed.isEmpty { break }
            for (delivery, endpoint) in claimed {
                let attempt = send(delivery, to: endpoint, at: now())
                let finished = now()
                let retryAfter =
                    attempt.delivered
                    ? nil
                    : WebhookRetry.delay(
                        afterAttempts: delivery.attempts, secondsSinceCreated: finished.timeIntervalSince(delivery.createdAt))
                try app.database.write { db in
                    try WebhookOutbox.record(db, seq: delivery.seq, attempt: attempt, retryAfter: retryAfter, now: finished)
                }
                if attempt.delivered {
                    report.delivered += 1
                } else if retryAfter != nil {
                    report.retrying += 1
                } else {
                    report.failed += 1
                    logger.warning(
                        "webhook delivery failed for good",
                        metadata: ["delivery": "\(delivery.id)", "endpoint": "\(endpoint.id)", "error": "\(attempt.error ?? "")"])
                }
            }
        }
        return report
    }

    func send(_ delivery: WebhookDelivery, to endpoint: WebhookEndpoint, at now: Date) -> WebhookAttempt {
        let started = ContinuousClock.now
        func elapsed() -> Int { Int((ContinuousClock.now - started).seconds * 1000) }
        if case .failure(let refusal) = app.config.webhookAddresses.checkResolving(url: endpoint.url) {
            return WebhookAttempt(status: nil, durationMs: 0, error: "address refused: \(refusal)")
        }
        let body = Array(delivery.body.utf8)
        do {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "User-Agent", value: "BuyerProtection-Webhooks/1")
            headers.add(name: "BP-Event", value: delivery.eventType)
            headers.add(name: "BP-Delivery", value: delivery.id)
            headers.add(
                name: "BP-Signature", value: WebhookSignature.header(body: body, secrets: endpoint.signingSecrets(at: now), at: now))
            let request = try HTTPClient.Request(url: endpoint.url, method: .POST, headers: headers, body: .bytes(body))
            let status = StatusOnly()
            let task = client.execute(request: request, delegate: status, deadline: .now() + .seconds(Self.timeout))
            let code: Int
            do {
                code = try task.wait()
            } catch let error as StatusOnly.BodyTooLong {
                code = error.status
            }
            if (200..<300).contains(code) { return WebhookAttempt(status: code, durationMs: elapsed(), error: nil) }
            let why = (300..<400).contains(code) ? "redirect not followed" : "receiver answered \(code)"
            return WebhookAttempt(status: code, durationMs: elapsed(), error: why)
        } catch {
            return WebhookAttempt(status: nil, durationMs: elapsed(), error: Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out after \(timeout) s"
            case .remoteConnectionClosed: return "connection closed by the receiver"
            default: return "\(error)"
            }
        }
        return String(describing: error).prefix(300).description
    }
}

/// Keeps the response's status and reads at most 64 KB of its body: the receiver's answer
/// matters only by its code, and a 10 MB answer must not cost memory or time.
final class StatusOnly: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Int
    struct BodyTooLong: Error { let status: Int }
    static let bodyLimit = 64 * 1024

    private var status = 0
    private var bodyBytes = 0

    func didReceiveHead(task: HTTPClient.Task<Int>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status = Int(head.status.code)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Int>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        bodyBytes += buffer.readableBytes
        if bodyBytes > Self.bodyLimit { return task.eventLoop.makeFailedFuture(BodyTooLong(status: status)) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Int>) throws -> Int { status }
}
