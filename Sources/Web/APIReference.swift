import Foundation

/// The shop API's reference page (`/api/docs`), made from `docs/openapi.json` when the
/// app starts: every operation with its parameters, request and response examples. The
/// same document nginx serves at `/api/v1/openapi.json` and `make test` validates the
/// API's answers against, so the page cannot describe another API than the one running.
struct APIReference: Sendable {
    let title: String
    let description: String
    let operations: [APIOperation]

    /// Reads the OpenAPI document; an unreadable one gives an empty reference (and a
    /// test fails), never a failed start.
    static func load(path: String) -> APIReference {
        guard let data = FileManager.default.contents(atPath: path),
            let spec = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return APIReference(title: "Shop API", description: "", operations: []) }
        let info = spec["info"] as? [String: Any] ?? [:]
        let components = spec["components"] as? [String: Any] ?? [:]
        func resolve(_ value: [String: Any]) -> [String: Any] {
            guard let ref = value["$ref"] as? String, ref.hasPrefix("#/components/") else { return value }
            let parts = ref.dropFirst("#/components/".count).split(separator: "/").map(String.init)
            guard parts.count == 2, let group = components[parts[0]] as? [String: Any], let found = group[parts[1]] as? [String: Any]
            else { return value }
            return found
        }
        func pretty(_ value: Any?) -> String? {
            guard let value, JSONSerialization.isValidJSONObject(value),
                let data = try? JSONSerialization.data(
                    withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        var operations: [APIOperation] = []
        let paths = spec["paths"] as? [String: Any] ?? [:]
        for path in paths.keys.sorted() {
            guard let item = paths[path] as? [String: Any] else { continue }
            for method in ["get", "post", "put", "patch", "delete"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                let parameters = (operation["parameters"] as? [[String: Any]] ?? []).map(resolve).map { p in
                    let schema = p["schema"] as? [String: Any] ?? [:]
                    var type = schema["type"] as? String ?? "string"
                    if let values = schema["enum"] as? [String] { type += ": " + values.joined(separator: ", ") }
                    if let low = schema["minimum"] as? Int, let high = schema["maximum"] as? Int { type += " \(low)–\(high)" }
                    return APIParameter(
                        name: p["name"] as? String ?? "", location: p["in"] as? String ?? "", required: p["required"] as? Bool ?? false,
                        type: type, meaning: p["description"] as? String)
                }
                let body = (operation["requestBody"] as? [String: Any]).map(resolve)
                let bodyJSON = (body?["content"] as? [String: Any])?["application/json"] as? [String: Any]
                let responses = operation["responses"] as? [String: Any] ?? [:]
                let responseDocs = responses.keys.sorted().map { status -> APIResponseDoc in
                    let response = resolve(responses[status] as? [String: Any] ?? [:])
                    let json = (response["content"] as? [String: Any])?["application/json"] as? [String: Any]
                    return APIResponseDoc(
                        status: status, description: response["description"] as? String ?? "",
                        example: status.hasPrefix("2") ? pretty(json?["example"]) : nil)
                }
                operations.append(
                    APIOperation(
                        anchor: operation["operationId"] as? String ?? "\(method)-\(path)", method: method.uppercased(), path: path,
                        summary: operation["summary"] as? String ?? "", details: operation["description"] as? String,
                        parameters: parameters, requestExample: pretty(bodyJSON?["example"]), responses: responseDocs))
            }
        }
        return APIReference(
            title: info["title"] as? String ?? "Shop API", description: info["description"] as? String ?? "", operations: operations)
    }
}
