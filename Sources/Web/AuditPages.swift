import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// `/service/admin/audit`: the administrative actions, newest first, 100 a page, filtered
/// by action, by who did it or by shop; for admin agents only (404 for anyone else). A
/// read-only page: the product has no way to change or remove an entry.
struct AuditPages {
    let pages: Pages
    var app: App { pages.app }
    static let pageSize = 100

    func respond(_ ctx: RequestContext) throws -> HTTPResponse {
        if case .answered(let response) = pages.requireAdmin(ctx) { return response }
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let action = ctx.queryValue("action").flatMap(AuditAction.init(rawValue:))
        let actor = String((ctx.queryValue("actor") ?? "").prefix(254)).trimmingCharacters(in: .whitespaces).lowercased()
        let shop = ctx.queryValue("shop").flatMap { SiteRoute.isID($0) ? $0 : nil }
        let before = ctx.queryValue("before").flatMap { Int64($0.prefix(18)) }
        let filter = AuditLog.Filter(action: action, actorEmail: actor.isEmpty ? nil : actor, shopID: shop, before: before)
        let (entries, shopNames) = try app.database.read { db in
            let entries = try AuditLog.entries(db, filter, limit: Self.pageSize + 1)
            var names: [String: String] = [:]
            for id in Set(entries.compactMap(\.shopID)) { names[id] = try ShopRecord.find(db, id: id)?.name }
            return (entries, names)
        }
        let shown = entries.prefix(Self.pageSize)
        var older: String?
        if entries.count > Self.pageSize, let last = shown.last {
            var query = ["before=\(last.id)"]
            if let action { query.append("action=" + action.rawValue) }
            if !actor.isEmpty { query.append("actor=" + URLEncoded.encode(actor)) }
            if let shop { query.append("shop=" + shop) }
            older = SiteRoute.serviceAudit.path + "?" + query.joined(separator: "&")
        }
        let model = AuditPage(
            action: SiteRoute.serviceAudit.path, actor: actor, shop: shop ?? "",
            actions: AuditAction.allCases.map { SelectOption(value: $0.rawValue, label: Self.label($0, t), selected: $0 == action) },
            entries: shown.map { entry in
                AuditRow(
                    at: f.dateTime(entry.at), actor: entry.actorEmail, client: entry.client,
                    action: AuditAction(rawValue: entry.action).map { Self.label($0, t) } ?? entry.action,
                    shop: entry.shopID.flatMap { shopNames[$0] } ?? "", shopHref: entry.shopID.map { SiteRoute.serviceShop($0).path },
                    target: entry.target, details: entry.details.isEmpty ? nil : entry.details)
            },
            olderHref: older)
        return pages.render(Page(template: Template.serviceAudit, title: t(.audit_title), model: model), ctx)
    }

    static func label(_ action: AuditAction, _ t: Catalog) -> String {
        t("audit_" + action.rawValue.replacingOccurrences(of: ".", with: "_"))
    }
}
