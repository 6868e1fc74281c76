import FastCGI
import Foundation
import Operations
import Protection
import Rendering
import Store

/// The case file: `…/cases/{id}/file` a printable page (A4 print stylesheet) and
/// `…/file.json` the same signed (`CaseFileSeal`), for the customer, the merchant and the
/// service team, each with what they may see. Anyone else gets 404.
struct CaseFilePages {
    let pages: Pages
    var app: App { pages.app }

    /// The case file route of a viewer (the customer's, the merchant's or the agents').
    static func route(_ viewer: Viewer, caseID: String, json: Bool) -> SiteRoute {
        switch viewer {
        case .merchant: .merchantCaseFile(caseID, json: json)
        case .agent: .serviceCaseFile(caseID, json: json)
        case .customer, .anonymous: .customerCaseFile(caseID, json: json)
        }
    }

    func respond(_ route: SiteRoute, id: String, json: Bool, _ ctx: RequestContext) throws -> HTTPResponse {
        switch route {
        case .customerCaseFile: if case .answered(let response) = pages.requireCustomer(ctx) { return response }
        case .merchantCaseFile: if case .answered(let response) = pages.requireMerchant(ctx) { return response }
        default: if case .answered(let response) = pages.requireAgent(ctx) { return response }
        }
        let t = pages.catalog(ctx)
        let f = pages.format(ctx)
        let now = app.now()
        let viewer = ctx.viewer
        let (context, view, events, head) = try app.readCase(id, viewer: viewer) { context, db in
            (
                context, try CaseView.build(context, viewer: viewer, db: db, t: t, f: f, now: now),
                try EventChain.rawEvents(db, caseID: id, audience: viewer.audience), try EventChain.head(db, caseID: id) ?? ""
            )
        }
        if json {
            let body = Self.json(context, events: events, head: head, view: Self.viewName(viewer), generated: now)
            let sealed = try CaseFileSeal.seal(caseFile: body, key: app.signingKey)
            return HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                    ("Content-Disposition", "attachment; filename=\"case-\(context.record.number).json\""),
                ], body: sealed)
        }
        let files = events.flatMap(\.documents).map {
            CaseFileDocument(name: $0.name, size: CaseView.byteSize($0.size, t), sha256: $0.sha256)
        }
        let model = CaseFilePage(
            title: t.format("case_file_title", ["number": view.number]), case: view, generated: f.dateTime(now),
            generatedIso: LocaleFormat.machine(now), files: files, head: head,
            jsonHref: Self.route(viewer, caseID: id, json: true).path, backHref: Self.caseRoute(viewer, caseID: id).path)
        return pages.render(Page(template: Template.caseFile, title: model.title, model: model), ctx)
    }

    static func viewName(_ viewer: Viewer) -> String {
        switch viewer {
        case .merchant: "merchant"
        case .agent: "service"
        case .customer, .anonymous: "customer"
        }
    }

    static func caseRoute(_ viewer: Viewer, caseID: String) -> SiteRoute {
        switch viewer {
        case .merchant: .merchantCase(caseID)
        case .agent: .serviceCase(caseID)
        case .customer, .anonymous: .customerCase(caseID)
        }
    }

    /// The `case_file` value: facts, and every event with the fields its hash covers.
    static func json(_ context: CaseContext, events: [RawEvent], head: String, view: String, generated: Date) -> [UInt8] {
        let file = context.record.file
        var out = JSONWriter(capacity: 4096)
        out.beginObject()
        out.field("format", "bp-case-file/1")
        out.field("view", view)
        out.field("generated_at", ISO8601.string(generated))
        out.key("case")
        out.beginObject()
        out.field("id", context.record.id)
        out.field("number", context.record.number)
        out.field("kind", file.kind.rawValue)
        out.field("state", file.state.rawValue)
        out.field("reason", file.reason?.rawValue)
        out.field("shop_id", context.shop.id)
        out.field("shop_name", context.shop.name)
        out.field("order_number", context.protection.orderNumber)
        out.field("order_value", file.orderValue.plainDecimal)
        out.field("currency", file.orderValue.currency.code)
        out.field("customer_email", context.protection.customerEmail)
        out.field("opened_at", ISO8601.string(file.openedAt))
        out.field("closure", file.closure?.rawValue)
        out.endObject()
        out.key("events")
        out.beginArray()
        for event in events {
            let c = event.content
            out.beginObject()
            out.field("id", Int(event.id))
            out.field("case_id", c.caseID)
            out.field("at_stored", c.at)
            out.field("actor_kind", c.actorKind)
            out.field("actor_id", c.actorID)
            out.field("kind", c.kind)
            out.field("audience", c.audience)
            out.field("text", c.text)
            out.field("data", c.data)
            out.key("documents")
            out.beginArray()
            for document in event.documents {
                out.beginObject()
                out.field("id", document.id)
                out.field("name", document.name)
                out.field("content_type", document.contentType)
                out.field("size", Int(document.size))
                out.field("sha256", document.sha256)
                out.endObject()
            }
            out.endArray()
            out.field("hash", event.hash)
            out.endObject()
        }
        out.endArray()
        out.field("head", head)
        out.endObject()
        return out.bytes
    }
}
