import Crypto
import FastCGI
import Foundation
import GRDB
import Operations
import Protection
import Rendering
import Store

/// The JSON API for shops (SPEC §7): `Authorization: Bearer <key>`, a key only ever sees
/// its own shop, errors as `{"error": {"code", "message"}}`.
package struct ShopAPI {
    let app: App
    static let bodyLimit = 64 * 1024

    static func handles(_ route: SiteRoute) -> Bool {
        switch route {
        case .apiProtections, .apiProtection, .apiCases: true
        default: false
        }
    }

    func respond(_ route: SiteRoute, _ request: HTTPRequest) -> HTTPResponse {
        do {
            guard let shop = try authenticate(request) else {
                FormBody.drain(request.body)
                var response = failure(APIFailure(401, "unauthorized", "send the shop's API key as Authorization: Bearer <key>"))
                response.setHeader("WWW-Authenticate", "Bearer")
                return response
            }
            switch (route, request.method) {
            case (.apiProtections, "POST"): return try create(shop, request)
            case (.apiProtection(let id), "GET"), (.apiProtection(let id), "HEAD"): return try show(shop, id)
            case (.apiCases, "GET"), (.apiCases, "HEAD"): return try cases(shop, request)
            default:
                var response = failure(APIFailure(405, "method_not_allowed", "\(request.method) is not supported here"))
                response.setHeader("Allow", route.methods.filter { $0 != "HEAD" }.sorted().joined(separator: ", "))
                return response
            }
        } catch let failure as APIFailure {
            return self.failure(failure)
        } catch {
            app.logger.error("api request failed", metadata: ["path": "\(request.path)", "error": "\(String(reflecting: error))"])
            return failure(APIFailure(500, "internal_error", "something went wrong on our side; try again"))
        }
    }

    private func authenticate(_ request: HTTPRequest) throws -> ShopRecord? {
        guard let header = request.header("Authorization"), header.prefix(7).lowercased() == "bearer " else { return nil }
        // HTTP's optional white space (space, tab) around the key; Foundation's trimming
        // goes through NSString on every API request.
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" }
        var token = header.dropFirst(7).drop(while: isSpace)
        while let last = token.last, isSpace(last) { token = token.dropLast() }
        let key = String(token)
        guard key.hasPrefix("bpk_"), key.utf8.count < 100 else { return nil }
        return try app.database.read { db in try ShopRecord.find(db, apiKey: key) }
    }

    private func create(_ shop: ShopRecord, _ request: HTTPRequest) throws -> HTTPResponse {
        let body: [UInt8]
        do { body = try request.body.readAll(limit: Self.bodyLimit) } catch {
            FormBody.drain(request.body)
            throw APIFailure(413, "body_too_large", "the request body may be at most \(Self.bodyLimit / 1024) KB")
        }
        let idempotencyKey = request.header("Idempotency-Key")
        if let key = idempotencyKey {
            guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw APIFailure(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters")
            }
        }
        let requestHash = Secrets.hex(SHA256.hash(data: body))
        if let key = idempotencyKey, let stored = try storedResponse(shop: shop, key: key) {
            guard stored.hash == requestHash else {
                throw APIFailure(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request body")
            }
            return json(stored.status, Array(stored.body.utf8))
        }
        let registration = try Self.registration(fromJSON: body)
        let protection = try app.validateRegistration(shop: shop, registration)
        // Registration and the remembered answer commit together: two requests with one
        // key cannot both register.
        return try app.database.write { db in
            if let key = idempotencyKey, let stored = try Self.stored(db, shop: shop, key: key) {
                guard stored.hash == requestHash else {
                    throw APIFailure(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request body")
                }
                return json(stored.status, Array(stored.body.utf8))
            }
            var status = 201
            var payload: [UInt8]
            do {
                let inserted = try app.insertProtection(db, protection)
                payload = protectionJSON(inserted, claim: nil)
            } catch let failure as APIFailure where failure.status == 409 {
                status = 409
                payload = ShopJSON.error(code: failure.code, message: failure.message)
            }
            if let key = idempotencyKey {
                // Stored as TEXT, as before: the writer's bytes are UTF-8 of Swift strings.
                try db.execute(
                    sql: """
                        INSERT INTO api_idempotency (shop_id, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [shop.id, key, requestHash, status, String(decoding: payload, as: UTF8.self), app.now()])
            }
            var response = json(status, payload)
            if status == 201 { response.setHeader("Location", SiteRoute.apiProtection(protection.id).path) }
            return response
        }
    }

    /// The fields of `POST /api/v1/protections` from its JSON body: an object whose
    /// values are strings (amounts too, so no float ever touches money).
    package static func registration(fromJSON body: [UInt8]) throws -> ProtectionRegistration {
        guard let object = try? JSONDecoder().decode([String: RegistrationValue].self, from: Data(body)) else {
            throw APIFailure(400, "invalid_json", "the body must be a JSON object")
        }
        func string(_ name: String) throws -> String? {
            switch object[name] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case .other?: throw APIFailure(422, "invalid_\(name)", "\(name) must be a JSON string")
            }
        }
        return ProtectionRegistration(
            orderNumber: try string("order_number"), orderDate: try string("order_date"), amount: try string("amount"),
            currency: try string("currency"), customerEmail: try string("customer_email"), locale: try string("locale"))
    }

    private func storedResponse(shop: ShopRecord, key: String) throws -> (hash: String, status: Int, body: String)? {
        try app.database.read { db in try Self.stored(db, shop: shop, key: key) }
    }

    private static func stored(_ db: Database, shop: ShopRecord, key: String) throws -> (hash: String, status: Int, body: String)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT request_hash, status, body FROM api_idempotency WHERE shop_id = ? AND key = ?"),
                arguments: [shop.id, key])
        else { return nil }
        return (row["request_hash"], row["status"], row["body"])
    }

    private func show(_ shop: ShopRecord, _ id: String) throws -> HTTPResponse {
        let found = try app.database.read { db -> (ProtectionRecord, CaseSummaryRow?)? in
            guard SiteRoute.isID(id), let protection = try ProtectionRecord.find(db, id: id), protection.shopID == shop.id else {
                return nil
            }
            return (protection, try CaseListing.claimSummary(db, protectionID: id))
        }
        guard let (protection, claim) = found else { throw APIFailure(404, "not_found", "no protection \(id) for this shop") }
        return json(200, protectionJSON(protection, claim: .some(claim)))
    }

    private func cases(_ shop: ShopRecord, _ request: HTTPRequest) throws -> HTTPResponse {
        let query = (try? URLEncoded.parse(request.queryString)) ?? [:]
        var state: CaseState?
        if let raw = query["state"]?.first, !raw.isEmpty {
            guard let value = CaseState(rawValue: raw), value != .open else {
                throw APIFailure(400, "invalid_state", "state must be one of awaiting_merchant, awaiting_customer, escalated, closed")
            }
            state = value
        }
        let limit = Int(query["limit"]?.first ?? "") ?? 100
        let offset = Int(query["offset"]?.first ?? "") ?? 0
        guard (1...1000).contains(limit), offset >= 0 else {
            throw APIFailure(400, "invalid_paging", "limit must be 1 to 1000 and offset at least 0")
        }
        let body = try ShopJSON.cases(count: limit) { json in
            try app.database.read { db in
                try CaseListing.writeAPIPage(db, shopID: shop.id, state: state, limit: limit, offset: offset, to: &json)
            }
        }
        return json(200, body)
    }

    private func protectionJSON(_ p: ProtectionRecord, claim: CaseSummaryRow??) -> [UInt8] {
        let state = p.state == .active && !p.facts.isActive(at: app.now()) ? "expired" : p.state.rawValue
        return ShopJSON.protection(p, state: state, claim: claim)
    }

    /// Every API answer passes here: the writer's bytes become the response body.
    private func json(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json"), ("Cache-Control", "no-store")], body: body)
    }

    private func failure(_ failure: APIFailure) -> HTTPResponse {
        json(failure.status, ShopJSON.error(code: failure.code, message: failure.message))
    }
}

/// One value of a registration body as the API reads it: a string, null, or anything
/// else (a number, a list, an object), which is refused for its field by name.
enum RegistrationValue: Decodable {
    case string(String)
    case null
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .other
        }
    }
}
