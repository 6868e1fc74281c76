import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// `GET /merchant/export` and `GET /service/export[?shop=ID]`: the export form (days and
/// state), and with `download=1` the CSV itself, streamed as an attachment. A GET form:
/// an export changes nothing. Bad days re-render the form with the message beside them.
struct ExportPages {
    let pages: Pages
    var app: App { pages.app }

    enum Role { case merchant, agent }

    func respond(_ ctx: RequestContext, shopID: String?, role: Role) throws -> HTTPResponse {
        let t = pages.catalog(ctx)
        let shop = try shopID.map { id in
            guard let shop = try app.database.read({ db in try ShopRecord.find(db, id: id) }) else { throw NotFound() }
            return shop
        }
        let state = ctx.queryValue("state").flatMap(CaseState.init(rawValue:)).flatMap { $0 == .open ? nil : $0 }
        let from = String((ctx.queryValue("from") ?? "").prefix(40))
        let to = String((ctx.queryValue("to") ?? "").prefix(40))
        var errors: [String: String] = [:]
        var range: ExportRange?
        switch ExportRange.parse(from: from, to: to, today: app.today()) {
        case .success(let value): range = value
        case .failure(.fromInvalid): errors["from"] = t(.error_date_invalid)
        case .failure(.toInvalid): errors["to"] = t(.error_date_invalid)
        case .failure(.reversed): errors["from"] = t(.error_date_reversed)
        case .failure(.tooLong): errors["from"] = t(.error_date_too_long)
        }
        if ctx.queryValue("download") == "1", let range {
            let filter = App.ExportFilter(shopID: shopID, state: state, range: range)
            let name = app.exportFileName(filter, shopName: shop?.name)
            let app = self.app
            var response = HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", "text/csv; charset=utf-8"), ("Content-Disposition", "attachment; filename=\"\(name)\""),
                    ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                ])
            response.stream = { writer in try app.exportCases(filter, write: writer.write) }
            return response
        }
        let shown = range ?? ExportRange(firstDay: app.today() - 89, lastDay: app.today())
        let model = ExportPage(
            action: (role == .merchant ? SiteRoute.merchantExport : .serviceExport).path, shop: shop?.name, shopId: shop?.id,
            from: errors.isEmpty || from.isEmpty ? ExportRange.text(shown.firstDay) : from,
            to: errors.isEmpty || to.isEmpty ? ExportRange.text(shown.lastDay) : to,
            states: [CaseState.awaitingMerchant, .awaitingCustomer, .escalated, .closed].map {
                SelectOption(value: $0.rawValue, label: t.label("state", $0.rawValue), selected: $0 == state)
            },
            errors: FieldErrors(errors),
            backHref: role == .merchant
                ? SiteRoute.merchantCases.path : shop.map { SiteRoute.serviceShop($0.id).path } ?? SiteRoute.serviceDashboard.path,
            backLabel: role == .merchant ? t(.search_back) : shop?.name ?? t(.nav_dashboard))
        var response = pages.render(Page(template: Template.export, title: t(.export_title), model: model), ctx)
        if !errors.isEmpty { response.status = 422 }
        return response
    }
}
