import Foundation

/// The bits of multipart headers multipart-kit leaves to us: the boundary of the
/// request's Content-Type, and `name` / `filename` / `filename*` of a part's
/// Content-Disposition.
package enum MultipartHeaders {
    package static func boundary(fromContentType header: String) -> String? {
        for (key, value) in parameters(header) where key == "boundary" {
            guard (1...70).contains(value.utf8.count) else { return nil }
            return value
        }
        return nil
    }

    package static func contentDisposition(_ header: String) -> (name: String?, filename: String?) {
        var name: String?
        var filename: String?
        var extended: String?
        for (key, value) in parameters(header) {
            switch key {
            case "name": name = value
            case "filename": filename = value
            case "filename*": extended = decodeExtended(value)
            default: break
            }
        }
        return (name, extended ?? filename)
    }

    /// `type; a=b; c="d; e"` → [(a, b), (c, "d; e")], keys lowercased.
    static func parameters(_ header: String) -> [(String, String)] {
        var result: [(String, String)] = []
        let chars = Array(header)
        var i = chars.firstIndex(of: ";").map { $0 + 1 } ?? chars.count
        while i < chars.count {
            while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == ";" { i += 1 }
            var key = ""
            while i < chars.count, chars[i] != "=", chars[i] != ";" {
                key.append(chars[i])
                i += 1
            }
            var value = ""
            if i < chars.count, chars[i] == "=" {
                i += 1
                if i < chars.count, chars[i] == "\"" {
                    i += 1
                    while i < chars.count, chars[i] != "\"" {
                        if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                        value.append(chars[i])
                        i += 1
                    }
                    i += 1
                } else {
                    while i < chars.count, chars[i] != ";" {
                        value.append(chars[i])
                        i += 1
                    }
                    value = value.trimmingCharacters(in: .whitespaces)
                }
            }
            let trimmed = key.trimmingCharacters(in: .whitespaces).lowercased()
            if !trimmed.isEmpty { result.append((trimmed, value)) }
        }
        return result
    }

    /// RFC 5987: `UTF-8''na%C3%AFve.pdf`.
    static func decodeExtended(_ value: String) -> String? {
        let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        return try? URLEncoded.decode(ArraySlice(Array(parts[2].utf8)))
    }

    /// A file name fit to store and show: the last path component, no control or quote
    /// characters, at most 150 characters.
    package static func sanitize(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(
            last.unicodeScalars.filter {
                $0.value >= 0x20 && $0.value != 0x7F && !"\"<>|:*?".unicodeScalars.contains($0)
                    && $0.properties.generalCategory != .format
            }.map(Character.init)
        ).trimmingCharacters(in: .whitespaces)
        let name = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return name.isEmpty ? "document" : String(name.prefix(150))
    }
}
