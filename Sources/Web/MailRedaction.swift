/// Hides the secret part of the links that sign someone in or set a password, so the mail
/// page can show an email to agents without handing them another person's access.
enum MailRedaction {
    static let prefixes = ["/login/", "/password/reset/"]

    static func hideTokens(_ text: String) -> String {
        var out = text
        for prefix in prefixes {
            var result = ""
            var rest = Substring(out)
            while let range = rest.range(of: prefix) {
                result += rest[..<range.upperBound]
                rest = rest[range.upperBound...]
                let token = rest.prefix { ($0 >= "a" && $0 <= "z") || ($0 >= "2" && $0 <= "7") || $0 == "=" || $0 == "\n" || $0 == "\r" }
                if token.filter({ $0 != "=" && $0 != "\n" && $0 != "\r" }).count >= 20 {
                    result += "…"
                    rest = rest.dropFirst(token.count)
                }
            }
            out = result + rest
        }
        return out
    }
}
