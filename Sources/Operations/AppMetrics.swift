import Foundation
import Prometheus

/// The numbers an operator alerts on, in the Prometheus text format (swift-prometheus).
/// Requests are counted as they are answered; the rest is read when `/metrics` is
/// scraped (`App.metricsExposition`), from the database the worker writes to as well, so
/// one endpoint shows both processes.
public final class AppMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    static let process = AppMetrics()

    /// From a quick page to a slow upload.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10),
    ]

    // Computed: the descriptor type is not Sendable, so it cannot be a shared constant.
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "bp", subsystem: "http", metricName: "requests", unitName: "total",
            helpText: "HTTP requests answered by bp serve, by route and status.")
    }
    static var latency: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "bp", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time bp serve took to answer, by route.")
    }

    public init() {}

    /// One answered request. `route` is the route's short name (`SiteRoute.name`), so the
    /// label set stays small whatever paths are asked for.
    public func recordRequest(route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("route", route)], buckets: Self.latencyBuckets)
            .record(duration)
    }

    /// Sets a gauge read at scrape time.
    func set(_ name: String, _ value: Double, labels: [(String, String)] = [], help: String) {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "bp", metricName: name, unitName: "", helpText: help), labels: labels
        ).set(value)
    }
}
