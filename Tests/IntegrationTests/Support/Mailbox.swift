import Foundation

/// The Maildir the stack writes into, read as a person reading their email would:
/// headers decoded, the plain-text and HTML parts decoded from quoted-printable.
struct Mailbox {
    let directory: String

    struct Mail {
        let file: String
        let headers: [String: String]
        let raw: String
        let text: String
        let html: String

        var to: String { headers["to"] ?? "" }
        var subject: String { headers["subject"] ?? "" }

        /// Absolute links of the plain-text part.
        var links: [String] { Browser.allMatches(#"(https?://[^\s<>"]+)"#, in: text) }

        /// The path (and query) of the first link into the site.
        var firstLinkPath: String? {
            links.first.map { link in
                let afterScheme = link.components(separatedBy: "://").last ?? link
                return String(afterScheme.drop(while: { $0 != "/" }))
            }
        }
    }

    func all() -> [Mail] {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: directory + "/new")) ?? []).sorted {
            (Int($0.dropFirst(2).prefix(while: \.isNumber)) ?? 0) < (Int($1.dropFirst(2).prefix(while: \.isNumber)) ?? 0)
        }
        return names.compactMap { name in
            guard let raw = try? String(contentsOfFile: directory + "/new/" + name, encoding: .utf8) else { return nil }
            return Mailbox.parse(raw, file: name)
        }
    }

    func to(_ address: String) -> [Mail] { all().filter { $0.to.lowercased().contains(address.lowercased()) } }

    static func parse(_ raw: String, file: String) -> Mail {
        let normalized = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let parts = normalized.components(separatedBy: "\n\n")
        let headerBlock = parts.first ?? ""
        var headers: [String: String] = [:]
        var lastKey: String?
        for line in headerBlock.components(separatedBy: "\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), let key = lastKey {
                headers[key, default: ""] += line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].lowercased()
            headers[key] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            lastKey = key
        }
        for (key, value) in headers { headers[key] = decodeWords(value) }
        var text = "", html = ""
        if let boundary = Browser.firstMatch(#"boundary="([^"]+)""#, in: headerBlock) {
            for section in normalized.components(separatedBy: "--" + boundary) {
                guard let split = section.range(of: "\n\n") else { continue }
                let sectionHeaders = section[..<split.lowerBound].lowercased()
                let body = decodeQuotedPrintable(String(section[split.upperBound...]))
                if sectionHeaders.contains("text/plain") { text = body }
                if sectionHeaders.contains("text/html") { html = body }
            }
        }
        return Mail(file: file, headers: headers, raw: raw, text: text, html: html)
    }

    static func decodeWords(_ value: String) -> String {
        let pattern = #"=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?="#
        guard value.contains("=?") else { return value }
        var bytes: [UInt8] = []
        for encoded in Browser.allMatches(pattern, in: value) {
            bytes += Array(Data(base64Encoded: encoded) ?? Data())
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func decodeQuotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.replacingOccurrences(of: "=\n", with: "").utf8)
        var i = 0
        while i < input.count {
            if input[i] == UInt8(ascii: "="), i + 2 < input.count,
               let value = UInt8(String(decoding: input[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                i += 3
            } else {
                bytes.append(input[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
