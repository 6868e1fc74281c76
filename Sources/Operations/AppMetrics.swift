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
        let series = requestSeries(route: route, status: status)
        series.count.increment()
        series.latency.record(duration)
    }

    /// The counter and histogram of a route and status, made once: the registry checks
    /// and escapes names and labels on every `make…` call, work a request need not repeat.
    private func requestSeries(route: String, status: Int) -> RequestSeries {
        let key = RouteStatus(route: route, status: status)
        if let known = seriesLock.withLock({ series[key] }) { return known }
        let made = RequestSeries(
            count: registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("status", String(status))]),
            latency: registry.makeDurationHistogram(descriptor: Self.latency, labels: [("route", route)], buckets: Self.latencyBuckets))
        seriesLock.withLock { series[key] = made }
        return made
    }

    private struct RouteStatus: Hashable {
        let route: String
        let status: Int
    }

    private struct RequestSeries {
        let count: Counter
        let latency: DurationHistogram
    }

    private let seriesLock = NSLock()
    nonisolated(unsafe) private var series: [RouteStatus: RequestSeries] = [:]

    /// Sets a gauge read at scrape time.
    func set(_ name: String, _ value: Double, labels: [(String, String)] = [], help: String) {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(namespace: "bp", metricName: name, unitName: "", helpText: help), labels: labels
        ).set(value)
    }
}
