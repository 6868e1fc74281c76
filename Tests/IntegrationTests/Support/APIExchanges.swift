import Foundation

/// Every shop-API exchange the integration tests make, appended as one JSON line each to
/// `.build/api-exchanges.jsonl`; `scripts/validate-api` (run by `make test` afterwards)
/// checks each response against `docs/openapi.json` with openapi-core, so the
/// document cannot drift from what the API answers.
enum APIExchanges {
    static let path: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.path + "/.build/api-exchanges.jsonl"
    }()
    private static let lock = NSLock()

    static func record(method: String, path requestPath: String, headers: [(String, String)], reply: HTTPReply) {
        let entry: [String: Any] = [
            "method": method, "path": requestPath,
            "request_content_type": headers.first { $0.0.lowercased() == "content-type" }?.1 ?? "",
            "status": reply.status, "content_type": reply.header("Content-Type") ?? "",
            "body": String(decoding: reply.body, as: UTF8.self),
        ]
        guard var line = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]) else { return }
        line.append(0x0A)
        lock.lock()
        defer { lock.unlock() }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: line)
    }
}
