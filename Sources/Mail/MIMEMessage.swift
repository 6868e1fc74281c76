import Foundation

/// An RFC 5322 message with a plain-text and an HTML alternative, UTF-8 throughout.
/// User text never reaches a header raw: every header value is either ours or encoded
/// as RFC 2047 words, and CR/LF are removed before encoding.
public struct MIMEMessage: Sendable {
    public var from: String
    public var to: String
    public var replyTo: String?
    public var subject: String
    public var date: Date
    public var messageID: String
    public var text: String
    public var html: String

    public init(
        from: String, to: String, replyTo: String? = nil, subject: String, date: Date, messageID: String, text: String, html: String
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.text = text
        self.html = html
    }

    public func render(boundary: String = "=_bp_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")) -> String {
        var lines: [String] = []
        lines.append("From: " + Self.address(from))
        lines.append("To: " + Self.address(to))
        if let replyTo { lines.append("Reply-To: " + Self.address(replyTo)) }
        lines.append("Subject: " + Self.encodeWords(subject))
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("Message-ID: " + Self.headerSafe(messageID))
        lines.append("MIME-Version: 1.0")
        lines.append("Auto-Submitted: auto-generated")
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a multipart message in MIME format.")
        lines.append("")
        lines.append("--" + boundary)
        lines.append("Content-Type: text/plain; charset=utf-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")
        lines.append("")
        lines.append(Self.quotedPrintable(text))
        lines.append("--" + boundary)
        lines.append("Content-Type: text/html; charset=utf-8")
        lines.append("Content-Transfer-Encoding: quoted-printable")
        lines.append("")
        lines.append(Self.quotedPrintable(html))
        lines.append("--" + boundary + "--")
        lines.append("")
        return lines.joined(separator: "\r\n")
    }

    /// "Name <a@b.c>" or "a@b.c"; a display name is encoded, the address kept only when it
    /// has nothing that could start a new header or a second address.
    static func address(_ raw: String) -> String {
        let value = headerSafe(raw)
        if let open = value.lastIndex(of: "<"), value.hasSuffix(">") {
            let name = value[..<open].trimmingCharacters(in: .whitespaces)
            let email = String(value[value.index(after: open)..<value.index(before: value.endIndex)])
            let cleanEmail = email.filter { !"<>,;\" ".contains($0) }
            if name.isEmpty { return cleanEmail }
            return encodeWords(name.trimmingCharacters(in: CharacterSet(charactersIn: "\""))) + " <" + cleanEmail + ">"
        }
        return value.filter { !"<>,;\" ".contains($0) }
    }

    static func headerSafe(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0.value >= 0x20 || $0 == "\t" }.map(Character.init))
    }

    /// RFC 2047 encoded words (UTF-8, base64) when the text is not plain ASCII, split so
    /// that no encoded word is longer than 75 characters and no character is cut in half.
    public static func encodeWords(_ raw: String) -> String {
        let text = headerSafe(raw)
        let printable = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f }
        if printable && !text.contains("=?") && text.count <= 900 { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks at 76 characters.
    public static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded = ""
            var current = 0
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                var piece: String
                let isLast = index == bytes.count - 1
                if (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast) {
                    piece = String(UnicodeScalar(byte))
                } else {
                    piece = String(format: "=%02X", byte)
                }
                if current + piece.count > 75 {
                    encoded += "=\r\n"
                    current = 0
                }
                encoded += piece
                current += piece.count
            }
            output.append(encoded)
        }
        return output.joined(separator: "\r\n")
    }

    static func rfc5322Date(_ date: Date) -> String {
        var time = time_t(Int64(date.timeIntervalSince1970))
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d +0000", days[Int(parts.tm_wday)], Int(parts.tm_mday),
            months[Int(parts.tm_mon)], Int(parts.tm_year) + 1900, Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
