/// Request cookies: `a=1; b=2`. Anything odd is skipped, never an error: a bad cookie
/// must not break a page.
public enum Cookies {
    public static func parse(_ header: String?) -> [String: String] {
        guard let header, header.utf8.count <= 8192 else { return [:] }
        var result: [String: String] = [:]
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = pair[0].trimmingCharacters(in: .whitespaces)
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            guard !name.isEmpty, result[name] == nil else { continue }
            result[name] = value
        }
        return result
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

import Foundation
