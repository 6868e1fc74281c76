import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// Search for merchants (their shop's claims) and for the service team (every case, and
/// shops by name): `GET /merchant/search?q=` and `GET /service/search?q=`. A single hit
/// goes straight to it; nothing typed, too much typed or nothing found says so.
struct SearchPages {
    let pages: Pages
    var app: App { pages.app }
    /// One more than a page shows, to know whether there were more.
    static let limit = 50

    static func box(_ route: SiteRoute, query: String, _ t: Catalog) -> SearchBox {
        SearchBox(
            action: route.path, query: query, hint: t(route == .merchantSearch ? .search_hint_merchant : .search_hint_service))
    }

    /// What was typed, and the notice when it cannot be searched.
    private func understand(_ ctx: RequestContext, _ t: Catalog) -> (query: String, term: SearchTerm?, notice: String?) {
        let query = String((ctx.queryValue("q") ?? "").prefix(SearchTerm.maximumLength + 50))
        let typed = query.contains { !$0.isWhitespace }
        guard typed else { return (query, nil, t(.search_empty)) }
        guard let term = SearchTerm.parse(query) else { return (query, nil, t(.search_too_long)) }
        return (query, term, nil)
    }

    func merchant(_ ctx: RequestContext, shopID: String) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        let (query, term, notice) = understand(ctx, t)
        let found =
            try term.map { term in
                try app.database.read { db in try CaseSearch.cases(db, term, shopID: shopID, limit: Self.limit + 1) }
            } ?? []
        if found.count == 1 { return seeOther(SiteRoute.merchantCase(found[0].listing.id.string).path, ctx) }
        let rows = found.prefix(Self.limit).map { MerchantCaseRow($0.listing, now: now, t, f) }
        let model = MerchantSearchPage(
            search: Self.box(.merchantSearch, query: query, t),
            notice: notice ?? (found.isEmpty ? t(.search_nothing) : nil), cases: Array(rows),
            truncated: found.count > Self.limit, listHref: SiteRoute.merchantCases.path)
        return pages.render(Page(template: Template.merchantSearch, title: t(.search_title), model: model), ctx)
    }

    func service(_ ctx: RequestContext) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let (query, term, notice) = understand(ctx, t)
        let (found, shops) =
            try term.map { term in
                try app.database.read { db in
                    (
                        try CaseSearch.cases(db, term, shopID: nil, limit: Self.limit + 1),
                        try CaseSearch.shops(db, containing: term.text, limit: 20)
                    )
                }
            } ?? ([], [])
        if found.count == 1, shops.isEmpty { return seeOther(SiteRoute.serviceCase(found[0].listing.id.string).path, ctx) }
        if found.isEmpty, shops.count == 1 { return seeOther(SiteRoute.serviceShop(shops[0].id).path, ctx) }
        let rows = found.prefix(Self.limit).map { found in
            let row = found.listing
            return ServiceSearchRow(
                href: CaseLink(page: .service, id: row.id), number: "#\(row.number)", shop: found.shopName,
                shopHref: SiteRoute.serviceShop(found.shopID).path, orderNumber: row.orderNumber, customer: row.customerEmail,
                value: f.money(row.value),
                kind: found.kind == .inquiry ? t(.reason_inquiry) : row.reason.map { t.label("reason", $0.rawValue) } ?? "",
                state: row.state.rawValue, stateLabel: t.label("state", row.state.rawValue), opened: f.date(row.openedAt))
        }
        let model = ServiceSearchPage(
            search: Self.box(.serviceSearch, query: query, t),
            notice: notice ?? (found.isEmpty && shops.isEmpty ? t(.search_nothing) : nil), cases: Array(rows),
            shops: shops.map { NavItem(label: $0.name, href: SiteRoute.serviceShop($0.id).path, current: false) },
            truncated: found.count > Self.limit)
        return pages.render(Page(template: Template.serviceSearch, title: t(.search_title), model: model), ctx)
    }
}
