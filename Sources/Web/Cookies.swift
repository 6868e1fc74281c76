import Foundation

/// Request cookies: `a=1; b=2`. Anything odd is skipped, never an error: a bad cookie
/// must not break a page.
public enum Cookies {
    public static func parse(_ header: String?) -> [String: String] {
        guard var header, header.utf8.count <= 8192 else { return [:] }
        var result: [String: String] = [:]
        // Split on the bytes of ";" and "=" (ASCII, so always between Unicode scalars), in
        // the header's own buffer: splitting the String by Character walked every grapheme,
        // and slicing its UTF-8 view went through generic indices (8 k instructions for
        // one cookie, callgrind).
        header.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
                defer { start = end + 1 }
                guard let equals = bytes[start..<end].firstIndex(of: UInt8(ascii: "=")) else { continue }
                let name = String(text(bytes, start..<equals))
                var value = text(bytes, equals + 1..<end)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
                guard !name.isEmpty, result[name] == nil else { continue }
                result[name] = String(value)
            }
        }
        return result
    }

    /// The text of `range` without the spaces around it (`trimmed`), ASCII trimmed on its bytes.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Substring {
        var lower = range.lowerBound
        var upper = range.upperBound
        guard bytes[range].allSatisfy({ $0 < 0x80 }) else {
            return trimmed(Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)))
        }
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self))
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
