import Foundation

/// Request cookies: `a=1; b=2`. Anything odd is skipped, never an error: a bad cookie
/// must not break a page.
public enum Cookies {
    public static func parse(_ header: String?) -> [String: String] {
        guard let header, header.utf8.count <= 8192 else { return [:] }
        var result: [String: String] = [:]
        // Split on the bytes of ";" and "=" (ASCII, so always between Unicode scalars):
        // splitting the String by Character walked every grapheme of the header.
        let bytes = header.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
            defer { start = end < bytes.endIndex ? bytes.index(after: end) : end }
            guard let equals = bytes[start..<end].firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = String(trimmed(Substring(bytes[start..<equals])))
            var value = trimmed(Substring(bytes[bytes.index(after: equals)..<end]))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            guard !name.isEmpty, result[name] == nil else { continue }
            result[name] = String(value)
        }
        return result
    }

    /// Without the spaces around it, as `CharacterSet.whitespaces` trims: ASCII text (every
    /// real cookie) is trimmed here, anything else by Foundation, which is exact but was a
    /// few percent of every request.
    static func trimmed(_ text: Substring) -> Substring {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return Substring(text.trimmingCharacters(in: .whitespaces)) }
        var trimmed = text
        while let first = trimmed.utf8.first, first == 0x20 || first == 0x09 { trimmed = trimmed.dropFirst() }
        while let last = trimmed.utf8.last, last == 0x20 || last == 0x09 { trimmed = trimmed.dropLast() }
        return trimmed
    }

    /// A `Set-Cookie` value. Sessions are HttpOnly and SameSite=Lax; Secure when the site is https.
    public static func setCookie(name: String, value: String, maxAge: Int?, secure: Bool, httpOnly: Bool = true) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "SameSite=Lax"]
        if httpOnly { parts.append("HttpOnly") }
        if secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }
}
