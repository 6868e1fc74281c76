import ArgumentParser
import FastCGI
import Foundation
import Logging
import Mail
import Operations
import Protection
import Webhooks

struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the sweeper every $BP_WORKER_INTERVAL seconds and deliver mail, until SIGTERM.")

    func run() throws {
        let app = try Setup.app()
        let logger = Logger(label: "bp.worker")
        SignalWaiter.blockStopSignals()
        let delivery = app.mailDelivery()
        let webhooks = WebhookSender(app: app)
        defer { webhooks.shutdown() }
        var lastSweep = Date.distantPast
        var lastCleanup = Date.distantPast
        if let replica = app.config.replicaDocuments { Self.replicateDocuments(app: app, to: replica, logger: logger) }
        logger.info("worker started", metadata: ["interval": "\(Int(app.config.workerInterval)) s"])
        while true {
            let now = Date()
            if now.timeIntervalSince(lastSweep) >= app.config.workerInterval {
                lastSweep = now
                do {
                    let started = Date()
                    let report = try app.sweep(at: now)
                    var metadata: Logger.Metadata = [
                        "ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
                        "transitions": "\(report.transitions)",
                    ]
                    for (label, count) in report.lines where count > 0 { metadata[label] = "\(count)" }
                    logger.info("sweeper pass", metadata: metadata)
                } catch {
                    logger.error("sweeper pass failed", metadata: ["error": "\(error)"])
                }
            }
            // Once an hour: files that requests which died left behind.
            if now.timeIntervalSince(lastCleanup) >= 3600 {
                lastCleanup = now
                if let files = try? app.leftoverFiles(remove: true), files.removed > 0 {
                    logger.info("removed leftover files", metadata: ["files": "\(files.removed)"])
                }
            }
            do {
                let report = try delivery.deliverDue(now: { Date() }, budget: 2)
                if report.sent + report.retrying + report.failed > 0 {
                    logger.info(
                        "mail", metadata: ["sent": "\(report.sent)", "retrying": "\(report.retrying)", "failed": "\(report.failed)"])
                }
            } catch {
                logger.error("mail delivery failed", metadata: ["error": "\(error)"])
            }
            do {
                let report = try webhooks.deliverDue(now: { Date() })
                if report.delivered + report.retrying + report.failed > 0 {
                    logger.info(
                        "webhooks",
                        metadata: ["delivered": "\(report.delivered)", "retrying": "\(report.retrying)", "failed": "\(report.failed)"])
                }
            } catch {
                logger.error("webhook delivery failed", metadata: ["error": "\(error)"])
            }
            // Sleep one second, waking at once for SIGTERM or SIGINT.
            if let signal = SignalWaiter.waitForStopSignal(timeout: 1) {
                logger.info("worker stopping", metadata: ["signal": "\(signal)"])
                return
            }
        }
    }
}

extension Worker {
    /// The documents replica beside Litestream's (docs/OPERATIONS.md, Replica), on a thread
    /// of its own: a burst of mail to deliver or a long sweeper pass must not hold it up,
    /// since the replica is only as recent as its last finished pass. It ends with the
    /// process; a pass cut short leaves the replica's mark where the last finished one put it.
    static func replicateDocuments(app: App, to replica: String, logger: Logger) {
        Thread {
            while true {
                do {
                    let report = try app.replicateDocuments(to: replica)
                    if report.copied > 0 { logger.info("documents replicated", metadata: ["files": "\(report.copied)"]) }
                } catch {
                    logger.error("document replication failed", metadata: ["replica": "\(replica)", "error": "\(error)"])
                }
                Thread.sleep(forTimeInterval: app.config.replicaInterval)
            }
        }.start()
    }
}

struct Tick: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one sweeper pass, mail and webhook delivery as if the clock read TIME, and print what was done.")

    @Option(help: "The time of the pass, ISO 8601 (2026-12-25T10:00:00Z). Default: now.")
    var at: String?

    @Flag(name: .customLong("no-mail"), help: "Only the sweeper, no mail or webhook delivery (for measuring the sweeper alone).")
    var noMail = false

    func run() throws {
        var time = Date()
        if let at {
            guard let parsed = ISO8601.parse(at) else {
                Setup.fail("--at \"\(at)\" is not an ISO 8601 time such as 2026-12-25T10:00:00Z", code: 2)
            }
            time = parsed
        }
        let app = try Setup.app(clock: FixedClock(time))
        let started = Date()
        let report = try app.sweep(at: time)
        let sweepSeconds = Date().timeIntervalSince(started)
        let passTime = time
        let mail = noMail ? MailDelivery.Report() : try app.mailDelivery().deliverDue(now: { passTime })
        var hooks = WebhookSender.Report()
        if !noMail {
            let sender = WebhookSender(app: app)
            defer { sender.shutdown() }
            hooks = try sender.deliverDue(now: { passTime }, budget: 60)
        }
        print("pass at \(ISO8601.string(time))")
        for (label, count) in report.lines { print("  \(label): \(count)") }
        print("  mail sent: \(mail.sent), retrying: \(mail.retrying), failed: \(mail.failed)")
        print("  webhooks delivered: \(hooks.delivered), retrying: \(hooks.retrying), failed: \(hooks.failed)")
        let rate = sweepSeconds > 0 ? Double(report.transitions) / sweepSeconds : 0
        print(String(format: "  sweeper: %d transitions in %.3f s (%.0f/s)", report.transitions, sweepSeconds, rate))
    }
}
