import Foundation

/// The shop API's reference page (`/api/docs`), made from `docs/openapi.json` when the
/// app starts: every operation with its parameters, request and response examples. The
/// same document nginx serves at `/api/v1/openapi.json` and `make test` validates the
/// API's answers against, so the page cannot describe another API than the one running.
struct APIReference: Sendable {
    let title: String
    let description: String
    let operations: [APIOperation]
    /// What the product sends to shops' endpoints (the document's `webhooks`), by event.
    let webhooks: [APIOperation]

    /// Reads the OpenAPI document; an unreadable one gives an empty reference (and a
    /// test fails), never a failed start.
    static func load(path: String) -> APIReference {
        guard let data = FileManager.default.contents(atPath: path), let spec = try? JSONDecoder().decode(OpenAPI.self, from: data)
        else { return APIReference(title: "Shop API", description: "", operations: [], webhooks: []) }
        func parameter(_ p: OpenAPI.Parameter) -> OpenAPI.Parameter {
            p.ref.flatMap { spec.components?.parameters?[$0.componentName] } ?? p
        }
        func response(_ r: OpenAPI.Response) -> OpenAPI.Response { r.ref.flatMap { spec.components?.responses?[$0.componentName] } ?? r }
        func document(_ method: String, _ path: String, _ operation: OpenAPI.Operation) -> APIOperation {
            let parameters = (operation.parameters ?? []).map(parameter).map { p in
                var type = p.schema?.type ?? "string"
                if let values = p.schema?.enumValues { type += ": " + values.joined(separator: ", ") }
                if let low = p.schema?.minimum, let high = p.schema?.maximum { type += " \(low)–\(high)" }
                return APIParameter(
                    name: p.name ?? "", location: p.location ?? "", required: p.required ?? false, type: type, meaning: p.description)
            }
            let responses = operation.responses.keys.sorted().map { status -> APIResponseDoc in
                let r = response(operation.responses[status]!)
                return APIResponseDoc(
                    status: status, description: r.description ?? "",
                    example: status.hasPrefix("2") ? r.content?["application/json"]?.example?.pretty : nil)
            }
            return APIOperation(
                anchor: operation.operationId ?? "\(method)-\(path)", method: method.uppercased(), path: path,
                summary: operation.summary ?? "", details: operation.description, parameters: parameters,
                requestExample: operation.requestBody?.content?["application/json"]?.example?.pretty, responses: responses)
        }
        func operations(_ paths: [String: [String: OpenAPI.Operation]]) -> [APIOperation] {
            paths.keys.sorted().flatMap { path in
                ["get", "post", "put", "patch", "delete"].compactMap { method in paths[path]?[method].map { document(method, path, $0) } }
            }
        }
        return APIReference(
            title: spec.info.title, description: spec.info.description ?? "", operations: operations(spec.paths),
            webhooks: operations(spec.webhooks ?? [:]))
    }
}

/// The part of an OpenAPI 3.1 document the reference page shows, decoded by type.
struct OpenAPI: Decodable {
    struct Info: Decodable {
        let title: String
        let description: String?
    }
    struct Reference: Decodable {
        let path: String
        init(from decoder: Decoder) throws { path = try decoder.singleValueContainer().decode(String.self) }
        /// `#/components/responses/Error` → `Error`.
        var componentName: String { String(path.split(separator: "/").last ?? "") }
    }
    struct Schema: Decodable {
        let type: String?
        let enumValues: [String]?
        let minimum: Int?
        let maximum: Int?
        enum CodingKeys: String, CodingKey {
            case type
            case enumValues = "enum"
            case minimum, maximum
        }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            // `type` may be a list in 3.1 (["string", "null"]): the first names it.
            type = (try? c.decode(String.self, forKey: .type)) ?? (try? c.decode([String].self, forKey: .type))?.first
            enumValues = try? c.decode([String].self, forKey: .enumValues)
            minimum = try? c.decode(Int.self, forKey: .minimum)
            maximum = try? c.decode(Int.self, forKey: .maximum)
        }
    }
    struct Parameter: Decodable {
        let ref: Reference?
        let name: String?
        let location: String?
        let required: Bool?
        let description: String?
        let schema: Schema?
        enum CodingKeys: String, CodingKey {
            case ref = "$ref"
            case name
            case location = "in"
            case required, description, schema
        }
    }
    struct MediaType: Decodable { let example: JSONValue? }
    struct Body: Decodable { let content: [String: MediaType]? }
    struct Response: Decodable {
        let ref: Reference?
        let description: String?
        let content: [String: MediaType]?
        enum CodingKeys: String, CodingKey {
            case ref = "$ref"
            case description, content
        }
    }
    struct Operation: Decodable {
        let operationId: String?
        let summary: String?
        let description: String?
        let parameters: [Parameter]?
        let requestBody: Body?
        let responses: [String: Response]
    }
    struct Components: Decodable {
        let parameters: [String: Parameter]?
        let responses: [String: Response]?
    }
    let info: Info
    let paths: [String: [String: Operation]]
    let webhooks: [String: [String: Operation]]?
    let components: Components?
}

/// Any JSON value (an example in the document), written back pretty for the page.
enum JSONValue: Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let v = try? c.decode(Bool.self) {
            self = .bool(v)
        } else if let v = try? c.decode(Double.self) {
            self = .number(v)
        } else if let v = try? c.decode(String.self) {
            self = .string(v)
        } else if let v = try? c.decode([JSONValue].self) {
            self = .array(v)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let v): try c.encode(v)
        case .number(let v): if v == v.rounded(), abs(v) < 1e15 { try c.encode(Int64(v)) } else { try c.encode(v) }
        case .string(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }

    var pretty: String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) }
    }
}
