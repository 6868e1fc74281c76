import FastCGI
import Foundation
import GRDB
import Operations
import Protection
import Rendering
import Store

/// `GET /documents/{id}`: the app decides who may read the file, nginx sends it. The
/// answer is an `X-Accel-Redirect` into nginx's internal location over the store, as an
/// attachment with its detected type and `nosniff`.
struct DocumentDownloads {
    let app: App
    static let internalPrefix = "/_documents/"

    func respond(id: String, ctx: RequestContext, renderer: Renderer) throws -> HTTPResponse {
        let found = try app.database.read { db -> (DocumentRecord, CaseOwnership, Audience)? in
            guard let document = try DocumentRecord.find(db, id: id),
                let record = try CaseRecord.find(db, id: document.caseID),
                let audience = try DocumentRecord.audience(db, documentID: id)
            else { return nil }
            return (document, record.ownership, audience)
        }
        guard let (document, ownership, audience) = found,
            Access.canSee(ctx.viewer, ownership), Access.canRead(ctx.viewer, audience: audience)
        else {
            if ctx.viewer == .anonymous {
                return seeOther(SiteRoute.login.path + "?next=" + URLEncoded.encode(ctx.request.path), ctx)
            }
            return Pages(app: app, renderer: renderer).error(404, ctx)
        }
        guard app.documents.exists(sha256: document.sha256) else {
            app.logger.error("document file missing", metadata: ["document": "\(document.id)", "sha256": "\(document.sha256)"])
            return Pages(app: app, renderer: renderer).error(404, ctx)
        }
        var response = HTTPResponse(status: 200)
        response.setHeader("X-Accel-Redirect", Self.internalPrefix + DocumentStore.relativePath(sha256: document.sha256))
        response.setHeader("Content-Type", document.contentType)
        response.setHeader("Content-Disposition", Self.attachment(document.name))
        response.setHeader("X-Content-Type-Options", "nosniff")
        response.setHeader("Cache-Control", "private, no-store")
        return response
    }

    /// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`, so every browser
    /// gets the original name and no name can break the header.
    static func attachment(_ name: String) -> String {
        let ascii = String(
            name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" && $0 != "%" ? Character($0) : "_" })
        var encoded = ""
        for byte in name.utf8 {
            switch byte {
            case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(UnicodeScalar(byte)))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}

/// `GET /healthz`: database reachable, free disk above a threshold, the worker's last
/// pass recent enough. 200 with "ok", or 503 with the reasons.
struct HealthCheck {
    let app: App
    static let minimumFreeBytes: Int64 = 200 * 1024 * 1024

    func respond() throws -> HTTPResponse {
        var problems: [String] = []
        var databaseOK = false
        do {
            _ = try app.database.read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT 1")) }
            databaseOK = true
        } catch {
            problems.append("database unreachable")
        }
        var freeBytes: Int64?
        if let free = app.diskSpace()?.free {
            freeBytes = free
            if free < Self.minimumFreeBytes { problems.append("free disk below \(Self.minimumFreeBytes / 1_048_576) MB") }
        }
        var workerAge: Int?
        if let last = try? app.lastSweep() {
            let age = Int(app.now().timeIntervalSince(last))
            workerAge = age
            if Double(age) > max(120, app.config.workerInterval * 10) { problems.append("worker has not run for \(age) s") }
        } else {
            problems.append("worker has never run")
        }
        // Keys in sorted order, as before; what is unknown is left out.
        var json = JSONWriter()
        json.beginObject()
        if databaseOK { json.field("database", "ok") }
        if let freeBytes { json.field("free_disk_bytes", Int(freeBytes)) }
        if !problems.isEmpty {
            json.key("problems")
            json.beginArray()
            for problem in problems { json.string(problem) }
            json.endArray()
        }
        json.field("status", problems.isEmpty ? "ok" : "unhealthy")
        if let workerAge { json.field("worker_last_pass_seconds_ago", workerAge) }
        json.endObject()
        var response = HTTPResponse(
            status: problems.isEmpty ? 200 : 503, headers: [("Content-Type", "application/json")], body: json.bytes)
        response.setHeader("Cache-Control", "no-store")
        return response
    }
}
