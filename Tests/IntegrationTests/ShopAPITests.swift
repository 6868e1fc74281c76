import Foundation
import Testing

/// The shop API (SPEC §7): keys, validation with one error code each, idempotency, and a
/// key that only ever sees its own shop.
@Suite(.serialized) struct ShopAPITests {
    func object(_ reply: HTTPReply) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(reply.body))) as? [String: Any] ?? [:]
    }

    func errorCode(_ reply: HTTPReply) -> String? {
        (object(reply)["error"] as? [String: Any])?["code"] as? String
    }

    @Test func registeringReadingAndListing() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let created = try world.api("POST", "/api/v1/protections", json: """
            {"order_number": "4711", "order_date": "2026-11-25T10:30:00+01:00", "amount": "249.99", "currency": "PLN",
             "customer_email": "Anna@Example.com"}
            """)
        #expect(created.status == 201)
        #expect(created.header("Content-Type") == "application/json")
        let body = object(created)
        #expect(body["state"] as? String == "active")
        #expect(body["amount"] as? String == "249.99")
        #expect(body["currency"] as? String == "PLN")
        #expect(body["customer_email"] as? String == "anna@example.com")
        #expect(body["order_number"] as? String == "4711")
        let id = try #require(body["id"] as? String)
        let activated = try #require((body["activated_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        let expires = try #require((body["expires_at"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(expires.timeIntervalSince(activated) == 30 * 86_400)

        let read = try world.api("GET", "/api/v1/protections/\(id)")
        #expect(read.status == 200)
        #expect(object(read)["case"] is NSNull)

        let duplicate = try world.api("POST", "/api/v1/protections", json: """
            {"order_number": "4711", "order_date": "2026-11-25", "amount": "1.00", "currency": "PLN", "customer_email": "x@example.com"}
            """)
        #expect(duplicate.status == 409)
        #expect(errorCode(duplicate) == "duplicate_order_number")

        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: id)
        let withCase = object(try world.api("GET", "/api/v1/protections/\(id)"))
        #expect((withCase["case"] as? [String: Any])?["id"] as? String == caseID)
        #expect(withCase["state"] as? String == "claimed")
        let list = object(try world.api("GET", "/api/v1/cases?state=awaiting_merchant"))
        let cases = try #require(list["cases"] as? [[String: Any]])
        #expect(cases.count == 1)
        for key in ["id", "number", "protection_id", "order_number", "reason", "state", "opened_at", "merchant_due_at", "customer_due_at"] {
            #expect(cases[0].keys.contains(key), "case summary has \(key)")
        }
        #expect((object(try world.api("GET", "/api/v1/cases?state=closed"))["cases"] as? [Any])?.isEmpty == true)
        #expect(errorCode(try world.api("GET", "/api/v1/cases?state=sleeping")) == "invalid_state")
    }

    @Test func everyFieldIsValidatedWithItsOwnCode() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        func post(_ fields: [String: String]) throws -> HTTPReply {
            var all = ["order_number": "N-1", "order_date": "2026-11-25T10:00:00Z", "amount": "10.00", "currency": "PLN",
                       "customer_email": "a@example.com"]
            for (k, v) in fields { all[k] = v }
            let json = String(decoding: try JSONSerialization.data(withJSONObject: all), as: UTF8.self)
            return try world.api("POST", "/api/v1/protections", json: json)
        }
        let table: [([String: String], Int, String)] = [
            (["order_number": ""], 422, "invalid_order_number"),
            (["order_number": String(repeating: "x", count: 65)], 422, "invalid_order_number"),
            (["order_number": "with space"], 422, "invalid_order_number"),
            (["order_number": "tab\there"], 422, "invalid_order_number"),
            (["amount": "0"], 422, "invalid_amount"),
            (["amount": "-1.00"], 422, "invalid_amount"),
            (["amount": "1.999"], 422, "invalid_amount"),
            (["amount": "12,50"], 422, "invalid_amount"),
            (["amount": "ten"], 422, "invalid_amount"),
            (["currency": "ZZZ"], 422, "invalid_currency"),
            (["currency": "pln"], 422, "invalid_currency"),
            (["customer_email": "not-an-email"], 422, "invalid_customer_email"),
            (["order_date": "25.11.2026"], 422, "invalid_order_date"),
            (["order_date": "2026-02-30"], 422, "invalid_order_date"),
            (["locale": "<script>"], 422, "invalid_locale"),
        ]
        for (fields, status, code) in table {
            let reply = try post(fields)
            #expect(reply.status == status, "\(fields)")
            #expect(errorCode(reply) == code, "\(fields): \(reply.text)")
        }
        let number = try world.api("POST", "/api/v1/protections", json: #"{"order_number":"N-2","order_date":"2026-11-25","amount":10,"currency":"PLN","customer_email":"a@example.com"}"#)
        #expect(errorCode(number) == "invalid_amount", "amounts are strings")
        #expect(errorCode(try world.api("POST", "/api/v1/protections", json: "{not json")) == "invalid_json")
        #expect(try world.api("POST", "/api/v1/protections", json: "{not json").status == 400)
        #expect(errorCode(try world.api("POST", "/api/v1/protections", json: "[1,2]")) == "invalid_json")
        #expect(try post(["amount": "0.01", "order_number": "ok-1", "locale": "de-DE"]).status == 201)
    }

    @Test func keysAreCheckedAndSeeOnlyTheirOwnShop() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let id = try world.registerOrder("K-1")
        #expect(try world.api("GET", "/api/v1/protections/\(id)", key: "bpk_wrong").status == 401)
        let noKey = try stack.browser().get("/api/v1/cases")
        #expect(noKey.status == 401)
        #expect(errorCode(noKey) == "unauthorized")
        let other = try stack.run(["admin", "create-shop", "--name", "Other", "--email", "o@other.example"])
        let otherKey = try #require((try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as? [String: String])?["api_key"])
        let foreign = try world.api("GET", "/api/v1/protections/\(id)", key: otherKey)
        #expect(foreign.status == 404)
        #expect(errorCode(foreign) == "not_found")
        #expect((object(try world.api("GET", "/api/v1/cases", key: otherKey))["cases"] as? [Any])?.isEmpty == true)
        #expect(try world.api("GET", "/api/v1/protections/../../etc/passwd").status == 404)
        // The scheme in any case, the key with HTTP's optional white space around it.
        for header in ["bearer \(otherKey)", "BEARER \t\(otherKey)  ", "Bearer  \(otherKey)\t"] {
            #expect(try stack.browser().request("GET", "/api/v1/cases", headers: [("Authorization", header)], body: []).status == 200)
        }
        for header in ["Bearer\(otherKey)", "Basic \(otherKey)", "Bearer \(otherKey)x", "Bearer"] {
            #expect(try stack.browser().request("GET", "/api/v1/cases", headers: [("Authorization", header)], body: []).status == 401)
        }
    }

    @Test func anIdempotencyKeyAnswersTheSameRequestOnce() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let json = #"{"order_number":"I-1","order_date":"2026-11-25","amount":"10.00","currency":"PLN","customer_email":"a@example.com"}"#
        let first = try world.api("POST", "/api/v1/protections", json: json, headers: [("Idempotency-Key", "key-1")])
        let again = try world.api("POST", "/api/v1/protections", json: json, headers: [("Idempotency-Key", "key-1")])
        #expect(first.status == 201)
        #expect(again.status == 201)
        #expect(first.body == again.body)
        let changed = json.replacingOccurrences(of: "10.00", with: "11.00")
        let reused = try world.api("POST", "/api/v1/protections", json: changed, headers: [("Idempotency-Key", "key-1")])
        #expect(reused.status == 422)
        #expect(errorCode(reused) == "idempotency_key_reused")
        let withoutKey = try world.api("POST", "/api/v1/protections", json: json)
        #expect(withoutKey.status == 409)
    }
}

@Suite struct APIDocumentTests {
    /// The OpenAPI document through nginx is the repository's, and the reference page
    /// made from it lists every operation with its examples.
    @Test func theAPIIsDescribedAtItsOwnAddressAndOnAReadablePage() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let browser = stack.browser()
        let spec = try browser.get("/api/v1/openapi.json")
        #expect(spec.status == 200)
        #expect(spec.header("Content-Type")?.hasPrefix("application/json") == true)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        #expect(spec.body == Array(try Data(contentsOf: root.appendingPathComponent("docs/openapi.json"))))
        let page = try browser.get("/api/docs")
        #expect(page.status == 200)
        for operation in ["POST /api/v1/protections", "GET /api/v1/protections/{id}", "GET /api/v1/cases"] {
            #expect(page.text.contains("<code>\(operation)</code>"), "\(operation)")
        }
        #expect(page.text.contains("Idempotency-Key"))
        #expect(page.text.contains("&quot;order_number&quot;") && page.text.contains("&quot;4711&quot;"), "the request example, escaped")
    }
}
