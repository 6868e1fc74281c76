import Foundation

/// Content-Transfer-Encoding: base64 and quoted-printable decoded, anything else as is.
enum TransferEncoding {
    static func decode(_ body: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch encoding?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "base64": base64(body)
        case "quoted-printable": quotedPrintable(body)
        default: Array(body)
        }
    }

    /// Base64 with line breaks and stray characters skipped, as mail clients need.
    static func base64(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in body {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): return out  // padding ends the data
            default: continue
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return out
    }

    /// RFC 2045 §6.7: `=XX` bytes, `=` at a line's end joins it to the next.
    static func quotedPrintable(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        let bytes = Array(body)
        var i = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "=") {
                if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 {
                    i += 3
                    continue
                }
                if i + 1 < bytes.count, bytes[i + 1] == 10 {
                    i += 2
                    continue
                }
                if i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
                    out.append(high << 4 | low)
                    i += 3
                    continue
                }
            }
            out.append(byte)
            i += 1
        }
        return out
    }
}

/// The charsets people's mail arrives in: UTF-8 and ASCII, the Central European ones
/// Polish mail uses (ISO-8859-2, Windows-1250), and the Western ones (ISO-8859-1,
/// ISO-8859-15 read as Windows-1252, Windows-1252). Anything else is refused by name.
enum Charsets {
    static func encoding(_ name: String?) -> String.Encoding? {
        let key = (name ?? "us-ascii").trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            .lowercased()
        switch key {
        case "utf-8", "utf8", "us-ascii", "ascii", "": return .utf8
        case "iso-8859-2", "iso8859-2", "latin2", "l2", "iso_8859-2": return .isoLatin2
        case "windows-1250", "cp1250", "x-cp1250": return .windowsCP1250
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "iso_8859-1": return .isoLatin1
        case "windows-1252", "cp1252", "iso-8859-15", "iso8859-15", "latin9": return .windowsCP1252
        case "utf-16": return .utf16
        default: return nil
        }
    }

    static func decode(_ bytes: [UInt8], charset: String?) throws(InboundMessage.Failure) -> String {
        guard let encoding = encoding(charset) else { throw .unknownCharset(String((charset ?? "").prefix(40))) }
        // UTF-8 that is not quite (a truncated character) keeps what can be read.
        if encoding == .utf8 { return String(decoding: bytes, as: UTF8.self) }
        guard let text = String(data: Data(bytes), encoding: encoding) else { throw .unknownCharset(charset ?? "") }
        return text
    }
}

/// RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?iso-8859-2?Q?…?=`) in a header value;
/// adjacent words join without the space between them. A word in a charset we do not
/// read stays as it was.
public enum EncodedWords {
    public static func decode(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            guard let decoded = word(at: rest[start.lowerBound...]) else {
                result += rest[..<start.upperBound]
                rest = rest[start.upperBound...]
                lastWasWord = false
                continue
            }
            if !(lastWasWord && before.allSatisfy(\.isWhitespace)) { result += before }
            result += decoded.text
            rest = decoded.rest
            lastWasWord = true
        }
        result += rest
        return result
    }

    private static func word(at text: Substring) -> (text: String, rest: Substring)? {
        // =?charset?X?encoded?=
        let parts = text.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), parts[2].count <= 1000 else { return nil }
        let charset = parts[0].split(separator: "*").first.map(String.init) ?? ""
        let payload = Array(parts[2].utf8)
        let bytes: [UInt8]
        switch parts[1].lowercased() {
        case "b": bytes = TransferEncoding.base64(payload[...])
        case "q":
            bytes = TransferEncoding.quotedPrintable(payload.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 }[...])
        default: return nil
        }
        guard let words = try? Charsets.decode(bytes, charset: charset) else { return nil }
        return (words, parts[3].dropFirst())
    }
}

/// HTML as the text a person would read: scripts, styles and the head gone, block ends
/// as line breaks, entities decoded, and the quoted history clients mark cut off.
package enum HTMLText {
    package static func text(of html: String) -> String {
        var source = html
        // Where mail clients start the quoted message they reply to.
        for marker in [
            "<div class=\"gmail_quote", "<blockquote", "id=\"divRplyFwdMsg\"", "id=\"appendonsend\"", "<div class=\"moz-cite-prefix\"",
            "id=\"mail-editor-reference-message-container\"",
        ] {
            if let range = source.range(of: marker, options: .caseInsensitive) {
                // Cut at the tag that holds the marker.
                let tagStart = source[..<range.lowerBound].lastIndex(of: "<") ?? range.lowerBound
                source = String(source[..<tagStart])
            }
        }
        var out = ""
        var index = source.startIndex
        var skipping: String?
        while index < source.endIndex {
            let character = source[index]
            if character == "<", let close = source[index...].firstIndex(of: ">") {
                let tag = source[source.index(after: index)..<close].lowercased()
                var name = String(tag.prefix { !$0.isWhitespace })
                if name.count > 1 && name.hasSuffix("/") { name.removeLast() }
                if let skip = skipping {
                    if name == "/" + skip { skipping = nil }
                } else if ["script", "style", "head", "title"].contains(name) {
                    skipping = name
                } else if ["br", "/p", "/div", "/li", "/tr", "/h1", "/h2", "/h3", "/h4", "hr", "/blockquote"]
                    .contains(name)
                {
                    out += "\n"
                }
                index = source.index(after: close)
                continue
            }
            if skipping == nil {
                if character == "&", let semicolon = source[index...].prefix(10).firstIndex(of: ";") {
                    let entity = String(source[source.index(after: index)..<semicolon])
                    if let decoded = Self.entity(entity) {
                        out += decoded
                        index = source.index(after: semicolon)
                        continue
                    }
                }
                out.append(character.isNewline ? " " : character)
            }
            index = source.index(after: index)
        }
        // Spaces the HTML source carried collapse; line breaks the tags made stay.
        return out.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            .joined(separator: "\n")
    }

    static func entity(_ name: String) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos", "#39": return "'"
        case "nbsp": return " "
        default:
            if name.hasPrefix("#x") || name.hasPrefix("#X"), let code = UInt32(name.dropFirst(2), radix: 16),
                let scalar = Unicode.Scalar(code)
            {
                return String(Character(scalar))
            }
            if name.hasPrefix("#"), let code = UInt32(name.dropFirst()), let scalar = Unicode.Scalar(code) {
                return String(Character(scalar))
            }
            return nil
        }
    }
}
