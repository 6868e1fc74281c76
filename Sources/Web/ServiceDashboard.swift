import FastCGI
import Foundation
import GRDB
import Operations
import Protection
import Rendering
import Store

/// The agent's home: open cases by state and by escalation reason, cases opened and
/// closed per week over 12 weeks, median times, the shops with most escalations; as
/// numbers and as SVG charts drawn on the server.
struct ServiceDashboard {
    let pages: Pages
    var app: App { pages.app }

    func render(_ ctx: RequestContext) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        let weeks = 12
        let since = now - Double(weeks * 7) * Deadlines.day
        let data = try app.database.read { db in
            (
                states: try Row.fetchAll(db, sql: ListSQL.dashboardStates),
                reasons: try Row.fetchAll(db, sql: ListSQL.dashboardReasons),
                opened: try Date.fetchAll(db, sql: ListSQL.dashboardOpened, arguments: [since]),
                closed: try Row.fetchAll(db, sql: ListSQL.dashboardClosed, arguments: [since]),
                replied: try Row.fetchAll(db, sql: ListSQL.dashboardReplied, arguments: [since]),
                shops: try Row.fetchAll(db, sql: ListSQL.dashboardShops, arguments: [since]),
                queued: try Int.fetchOne(db, sql: ListSQL.dashboardQueued) ?? 0
            )
        }
        let states = [CaseState.awaitingMerchant, .awaitingCustomer, .escalated, .open].map { state -> (String, Int) in
            let label = state == .open ? t("dashboard_open_inquiries") : t.label("state", state.rawValue)
            return (label, data.states.first { ($0["state"] as String) == state.rawValue }?["n"] ?? 0)
        }
        let reasons = EscalationReason.allCases.map { reason -> (String, Int) in
            (t.label("escalation", reason.rawValue), data.reasons.first { ($0["reason"] as String?) == reason.rawValue }?["n"] ?? 0)
        }
        // Weeks end at `now`; week 0 is the oldest.
        func week(of date: Date) -> Int? {
            let index = weeks - 1 - Int(now.timeIntervalSince(date) / (7 * Deadlines.day))
            return (0..<weeks).contains(index) ? index : nil
        }
        var openedPerWeek = Array(repeating: 0, count: weeks)
        var closedPerWeek = Array(repeating: 0, count: weeks)
        for date in data.opened { if let w = week(of: date) { openedPerWeek[w] += 1 } }
        var closureDurations: [TimeInterval] = []
        for row in data.closed {
            let closed: Date = row["closed_at"], opened: Date = row["opened_at"]
            if let w = week(of: closed) { closedPerWeek[w] += 1 }
            closureDurations.append(closed.timeIntervalSince(opened))
        }
        let replyDurations = data.replied.map { ($0["replied_at"] as Date).timeIntervalSince($0["opened_at"] as Date) }
        let weekLabels = (0..<weeks).map { f.date(now - Double((weeks - 1 - $0) * 7) * Deadlines.day) }
        let shops = data.shops.map { row -> [String: Any] in
            ["name": row["name"] as String, "count": row["n"] as Int, "href": SiteRoute.serviceShop(row["shop_id"]).path]
        }
        let model: [String: Any] = [
            "queued": data.queued,
            "queue_href": SiteRoute.serviceQueue.path,
            "states": states.map { ["label": $0.0, "count": $0.1] },
            "reasons": reasons.map { ["label": $0.0, "count": $0.1] },
            "states_chart": Charts.horizontalBars(states, title: t("dashboard_by_state")),
            "reasons_chart": Charts.horizontalBars(reasons, title: t("dashboard_by_reason")),
            "weekly_chart": Charts.weeklyBars(opened: openedPerWeek, closed: closedPerWeek, labels: weekLabels,
                                              openedLabel: t("dashboard_opened"), closedLabel: t("dashboard_closed"),
                                              title: t("dashboard_weekly")),
            "weekly": (0..<weeks).map { ["week": weekLabels[$0], "opened": openedPerWeek[$0], "closed": closedPerWeek[$0]] },
            "median_reply": duration(median(replyDurations), t),
            "median_closure": duration(median(closureDurations), t),
            "replies_counted": replyDurations.count,
            "closures_counted": closureDurations.count,
            "shops": shops,
            "has_shops": !shops.isEmpty,
            "shops_chart": Charts.horizontalBars(data.shops.map { ($0["name"] as String, $0["n"] as Int) }, title: t("dashboard_top_shops")),
        ]
        return pages.render(Page(template: "service/dashboard", title: t("dashboard_title"), model: model), ctx)
    }

    func median(_ values: [TimeInterval]) -> TimeInterval? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    func duration(_ seconds: TimeInterval?, _ t: Catalog) -> String {
        guard let seconds else { return t("dashboard_no_data") }
        let hours = Int((seconds / 3600).rounded())
        if hours < 48 { return t.plural("duration_hours", hours) }
        let days = Double(hours) / 24
        return t.format("duration_days", ["n": String(format: "%.1f", days).replacingOccurrences(of: ".", with: t("decimal_separator"))])
    }
}

/// Small SVG charts, drawn with presentation attributes only (the site's CSP allows no
/// inline styles). Every label is escaped here because the SVG is inserted as markup.
enum Charts {
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func horizontalBars(_ items: [(String, Int)], title: String) -> String {
        let width = 560, labelWidth = 220, rowHeight = 28
        let height = max(1, items.count) * rowHeight + 8
        let maxValue = max(1, items.map(\.1).max() ?? 1)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(escape(title))</title>"
        for (index, item) in items.enumerated() {
            let y = 4 + index * rowHeight
            let barWidth = Int(Double(width - labelWidth - 60) * Double(item.1) / Double(maxValue))
            svg += "<text x=\"0\" y=\"\(y + 18)\" font-size=\"13\" fill=\"#1f2a37\">\(escape(String(item.0.prefix(32))))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(max(barWidth, item.1 > 0 ? 2 : 0))\" height=\"18\" rx=\"3\" fill=\"#2f6f9f\"/>"
            svg += "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(y + 18)\" font-size=\"13\" fill=\"#1f2a37\">\(item.1)</text>"
        }
        return svg + "</svg>"
    }

    static func weeklyBars(opened: [Int], closed: [Int], labels: [String], openedLabel: String, closedLabel: String, title: String) -> String {
        let width = 640, height = 240, left = 36, bottom = 40, top = 28
        let plotHeight = height - bottom - top
        let maxValue = max(1, (opened + closed).max() ?? 1)
        let slot = Double(width - left - 8) / Double(max(1, opened.count))
        let bar = max(2.0, slot / 2 - 3)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(escape(title))</title>"
        svg += "<rect x=\"\(left)\" y=\"6\" width=\"12\" height=\"12\" fill=\"#2f6f9f\"/><text x=\"\(left + 16)\" y=\"16\" font-size=\"12\" fill=\"#1f2a37\">\(escape(openedLabel))</text>"
        svg += "<rect x=\"\(left + 140)\" y=\"6\" width=\"12\" height=\"12\" fill=\"#8fb996\"/><text x=\"\(left + 156)\" y=\"16\" font-size=\"12\" fill=\"#1f2a37\">\(escape(closedLabel))</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - 4)\" y2=\"\(height - bottom)\" stroke=\"#9aa5b1\"/>"
        svg += "<text x=\"0\" y=\"\(top + 10)\" font-size=\"11\" fill=\"#52606d\">\(maxValue)</text>"
        for i in 0..<opened.count {
            let x = Double(left) + Double(i) * slot + 2
            let h1 = Double(plotHeight) * Double(opened[i]) / Double(maxValue)
            let h2 = Double(plotHeight) * Double(closed[i]) / Double(maxValue)
            let base = Double(height - bottom)
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2f6f9f\"><title>%d</title></rect>", x, base - h1, bar, h1, opened[i])
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#8fb996\"><title>%d</title></rect>", x + bar + 1, base - h2, bar, h2, closed[i])
            if i % 2 == 1 || opened.count <= 6 {
                svg += String(format: "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#52606d\">", x, height - bottom + 14)
                    + escape(String(labels[i].prefix(6))) + "</text>"
            }
        }
        return svg + "</svg>"
    }
}
