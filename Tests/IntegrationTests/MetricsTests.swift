import Foundation
import Testing

/// `/metrics` scraped by a real Prometheus (Debian's package, installed by `make test`),
/// and the alert rules and dashboard of `deploy/` evaluated against what it scraped.
@Suite(.serialized) struct MetricsTests {
    /// The metric names an expression reads (`bp_…`), without histogram suffixes.
    static func metricNames(in text: String) -> Set<String> {
        Set(Browser.allMatches(#"\b(bp_[a-z_]+)"#, in: text).map {
            $0.replacingOccurrences(of: #"_(bucket|sum|count)$"#, with: "", options: .regularExpression)
        })
    }

    @Test func prometheusScrapesTheQueueSizeTheQueuePageShows() throws {
        let prometheusBinary = "/usr/bin/prometheus"
        try #require(FileManager.default.fileExists(atPath: prometheusBinary), "make test installs prometheus")
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack, locale: "en")
        let anna = try world.customer("anna@example.com")
        let merchant = try world.merchant()
        for order in ["M-1", "M-2"] {
            let caseID = try world.openCase(anna, protection: try world.registerOrder(order, locale: "en"))
            #expect(try world.reply(merchant, caseID: caseID, refund: "no", message: "No").status == 303)
            #expect(try world.answer(anna, caseID: caseID, answer: "disagree").status == 303)
        }
        _ = try world.openCase(anna, protection: try world.registerOrder("M-3", locale: "en"), option: "other", message: "A question")
        try stack.deliverMail()
        let queuePage = try world.agent().get("/service/queue").text
        let queued = Set(Browser.allMatches(#"href="/service/cases/([a-z2-7]+)""#, in: queuePage)).count
        #expect(queued == 3)

        let direct = try stack.browser().get("/metrics")
        #expect(direct.status == 200)
        #expect(direct.headers.contains { $0.0.lowercased() == "content-type" && $0.1.hasPrefix("text/plain; version=0.0.4") })
        #expect(direct.text.contains("bp_review_queue_size 3.0"))
        #expect(direct.text.contains(#"bp_http_requests_total{route="serviceQueue",status="200"} 1"#))
        #expect(try stack.browser().request("POST", "/metrics", headers: [], body: []).status == 404)

        // Prometheus scrapes the stack every second and evaluates deploy/prometheus/alerts.yml.
        let folder = stack.data + "/prometheus"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let prometheusPort = try Stack.freePort()
        try """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            rule_files: ["\(Stack.root)/deploy/prometheus/alerts.yml"]
            scrape_configs:
              - job_name: buyer-protection
                static_configs: [{targets: ["127.0.0.1:\(stack.port)"]}]
            """.write(toFile: folder + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: prometheusBinary)
        prometheus.arguments = [
            "--config.file=\(folder)/prometheus.yml", "--storage.tsdb.path=\(folder)/data",
            "--web.listen-address=127.0.0.1:\(prometheusPort)",
        ]
        prometheus.standardOutput = FileHandle.nullDevice
        prometheus.standardError = FileHandle.nullDevice
        try prometheus.run()
        defer {
            prometheus.terminate()
            prometheus.waitUntilExit()
        }
        let api = Browser(port: prometheusPort)
        api.recordsShopAPI = false
        func query(_ expression: String) throws -> [String: Any] {
            let reply = try api.get("/api/v1/query?query=" + expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            return (try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any]) ?? [:]
        }
        func value(_ expression: String) throws -> String? {
            let data = try query(expression)["data"] as? [String: Any]
            let first = (data?["result"] as? [[String: Any]])?.first
            return (first?["value"] as? [Any])?.last as? String
        }
        var scraped: String?
        try stack.waitUntil("Prometheus scraping the stack", timeout: 30) {
            scraped = try? value("bp_review_queue_size")
            return scraped != nil
        }
        #expect(scraped == String(queued), "Prometheus reads the queue page's count")
        #expect(try value(#"up{job="buyer-protection"}"#) == "1")

        // Every rule loads and evaluates, and every name the rules and the dashboard read
        // is one the stack publishes.
        var rulesHealthy = false
        try stack.waitUntil("the alert rules evaluated", timeout: 30) {
            guard let reply = try? api.get("/api/v1/rules"),
                let json = try? JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any],
                let groups = (json["data"] as? [String: Any])?["groups"] as? [[String: Any]],
                let rules = groups.first?["rules"] as? [[String: Any]], rules.count == 9
            else { return false }
            rulesHealthy = rules.allSatisfy { ($0["health"] as? String) == "ok" }
            return rulesHealthy
        }
        #expect(rulesHealthy)
        let published = Self.metricNames(in: direct.text)
        let alerts = try String(contentsOfFile: Stack.root + "/deploy/prometheus/alerts.yml", encoding: .utf8)
        let dashboard = try String(contentsOfFile: Stack.root + "/deploy/grafana/buyer-protection.json", encoding: .utf8)
        for name in Self.metricNames(in: alerts).union(Self.metricNames(in: dashboard)) {
            #expect(published.contains(name), "\(name) is read by deploy/ but not published")
        }
        for expression in Browser.allMatches(#""expr": "((?:[^"\\]|\\.)*)""#, in: dashboard) {
            let unescaped = expression.replacingOccurrences(of: #"\""#, with: "\"")
            #expect(try query(unescaped)["status"] as? String == "success", "dashboard query \(unescaped)")
        }
    }
}
