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
                states: try Row.fetchAll(db.cachedStatement(sql: ListSQL.dashboardStates)),
                reasons: try Row.fetchAll(db.cachedStatement(sql: ListSQL.dashboardReasons)),
                opened: try Date.fetchAll(db.cachedStatement(sql: ListSQL.dashboardOpened), arguments: [since]),
                closed: try Row.fetchAll(db.cachedStatement(sql: ListSQL.dashboardClosed), arguments: [since]),
                replied: try Row.fetchAll(db.cachedStatement(sql: ListSQL.dashboardReplied), arguments: [since]),
                shops: try Row.fetchAll(db.cachedStatement(sql: ListSQL.dashboardShops), arguments: [since]),
                queued: try Int.fetchOne(db.cachedStatement(sql: ListSQL.dashboardQueued)) ?? 0
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
            let closed: Date = row["closed_at"]
            let opened: Date = row["opened_at"]
            if let w = week(of: closed) { closedPerWeek[w] += 1 }
            closureDurations.append(closed.timeIntervalSince(opened))
        }
        let replyDurations = data.replied.map { ($0["replied_at"] as Date).timeIntervalSince($0["opened_at"] as Date) }
        let weekLabels = (0..<weeks).map { f.date(now - Double((weeks - 1 - $0) * 7) * Deadlines.day) }
        let shops = data.shops.map { row in
            ShopCount(name: row["name"], count: row["n"], href: SiteRoute.serviceShop(row["shop_id"]).path)
        }
        let model = DashboardPage(
            queued: data.queued, queueHref: SiteRoute.serviceQueue.path, exportHref: SiteRoute.serviceExport.path,
            states: states.map { CountRow(label: $0.0, count: $0.1) }, reasons: reasons.map { CountRow(label: $0.0, count: $0.1) },
            statesChart: Charts.horizontalBars(states, title: t(.dashboard_by_state)),
            reasonsChart: Charts.horizontalBars(reasons, title: t(.dashboard_by_reason)),
            weeklyChart: Charts.weeklyBars(
                opened: openedPerWeek, closed: closedPerWeek, labels: weekLabels,
                openedLabel: t(.dashboard_opened), closedLabel: t(.dashboard_closed),
                title: t(.dashboard_weekly)),
            weekly: (0..<weeks).map { WeekRow(week: weekLabels[$0], opened: openedPerWeek[$0], closed: closedPerWeek[$0]) },
            medianReply: duration(median(replyDurations), t), medianClosure: duration(median(closureDurations), t),
            repliesCounted: replyDurations.count, closuresCounted: closureDurations.count, shops: shops,
            shopsChart: Charts.horizontalBars(shops.map { ($0.name, $0.count) }, title: t(.dashboard_top_shops)))
        return pages.render(Page(template: Template.serviceDashboard, title: t(.dashboard_title), model: model), ctx)
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

/// The geometry of the dashboard's SVG charts; `partials/bar_chart` and
/// `partials/week_chart` draw them (with presentation attributes only: the site's CSP
/// allows no inline styles), so every label is escaped by Mustache like any other text.
enum Charts {
    /// One bar a row with its label on the line above, so that long labels (reasons in
    /// Polish or German, shop names) are never cut off by the bars.
    static func horizontalBars(_ items: [(String, Int)], title: String) -> BarChart {
        let width = 400
        let rowHeight = 44
        let maxValue = max(1, items.map(\.1).max() ?? 1)
        let rows = items.enumerated().map { index, item in
            let y = 4 + index * rowHeight
            let barWidth = item.1 > 0 ? max(2, Int(Double(width - 60) * Double(item.1) / Double(maxValue))) : 0
            let label = item.0.count > 60 ? String(item.0.prefix(59)) + "…" : item.0
            return BarRow(
                label: label, count: item.1, labelY: y + 14, barY: y + 20, barWidth: barWidth, countX: barWidth + 6,
                countY: y + 32)
        }
        return BarChart(title: title, width: width, height: max(1, items.count) * rowHeight + 8, rows: rows)
    }

    static func weeklyBars(
        opened: [Int], closed: [Int], labels: [String], openedLabel: String, closedLabel: String,
        title: String
    ) -> WeekChart {
        let width = 640
        let height = 240
        let left = 36
        let bottom = 40
        let top = 28
        let plotHeight = Double(height - bottom - top)
        let base = Double(height - bottom)
        let maxValue = max(1, (opened + closed).max() ?? 1)
        let slot = Double(width - left - 8) / Double(max(1, opened.count))
        let bar = max(2.0, slot / 2 - 3)
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        let bars = opened.indices.map { i in
            let x = Double(left) + Double(i) * slot + 2
            let openedHeight = plotHeight * Double(opened[i]) / Double(maxValue)
            let closedHeight = plotHeight * Double(closed[i]) / Double(maxValue)
            return WeekBar(
                x: number(x), closedX: number(x + bar + 1), bar: number(bar), opened: opened[i],
                openedY: number(base - openedHeight), openedHeight: number(openedHeight), closed: closed[i],
                closedY: number(base - closedHeight), closedHeight: number(closedHeight),
                hasLabel: i % 2 == 1 || opened.count <= 6, label: String(labels[i].prefix(6)), labelY: height - bottom + 14)
        }
        return WeekChart(
            title: title, width: width, height: height, left: left, openedLabel: openedLabel, closedLabel: closedLabel,
            openedLabelX: left + 16, closedKeyX: left + 140, closedLabelX: left + 156, axisY: height - bottom, axisEnd: width - 4,
            maxValue: maxValue, maxY: top + 10, bars: bars)
    }
}
