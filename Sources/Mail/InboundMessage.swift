import Foundation
import MultipartKit
import NIOCore

/// One RFC 5322 message as an MTA hands it to `bp mail-in`: its headers (unfolded, RFC
/// 2047 words decoded where a person reads them), the text a person wrote (the plain
/// part, else the HTML part as text) and its attachments, decoded. MIME bodies go through
/// multipart-kit, guarded like the upload forms; base64, quoted-printable and the
/// charsets through Foundation. Every limit is checked before the work it bounds.
public struct InboundMessage: Sendable {
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var declaredType: String
        public var bytes: [UInt8]
    }

    public struct Limits: Sendable {
        /// The whole message as it arrives (attachments base64-encoded): about the 25 MB
        /// of attachments most mail providers let through, with room for encoding.
        public var messageBytes = 36 * 1024 * 1024
        /// One header after unfolding; the RFC's line limit is 998, so this is generous.
        public var headerBytes = 16 * 1024
        public var headerBlockBytes = 256 * 1024
        public var depth = 8
        public var parts = 64
        public init() {}
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooLarge(limit: Int)
        case headerTooLong
        case noHeaders
        case nestedTooDeep
        case tooManyParts
        case unknownCharset(String)
        case forwardedMessage
        case malformed(String)

        public var description: String {
            switch self {
            case .tooLarge(let limit): "the message is larger than \(limit / 1_048_576) MB"
            case .headerTooLong: "a header is longer than the limit"
            case .noHeaders: "there is no header block"
            case .nestedTooDeep: "MIME parts are nested too deep"
            case .tooManyParts: "the message has too many MIME parts"
            case .unknownCharset(let name): "the charset \"\(name)\" is not one we read"
            case .forwardedMessage: "a forwarded message (message/rfc822) is not accepted as a document; attach the file itself"
            case .malformed(let what): "the message is malformed: \(what)"
            }
        }
    }

    /// Header names in lower case, values unfolded, in their order.
    public private(set) var headers: [(name: String, value: String)] = []
    /// What the sender wrote, quoted history included (ReplyText cuts it).
    public private(set) var text = ""
    /// Whether `text` came from an HTML part (so it was turned into text).
    public private(set) var textFromHTML = false
    public private(set) var attachments: [Attachment] = []
    /// The top-level MIME type (`multipart/report` marks a bounce).
    public private(set) var contentType = "text/plain"
    public private(set) var reportType: String?

    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    public func headers(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }

    public var subject: String { header("subject").map(EncodedWords.decode) ?? "" }
    public var messageID: String? {
        header("message-id").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }
    /// The sender's address (the first of `From`), lower case.
    public var fromAddress: String? { header("from").flatMap { Addresses.parse($0).first } }

    public static func parse(_ raw: [UInt8], limits: Limits = Limits()) throws(Failure) -> InboundMessage {
        guard raw.count <= limits.messageBytes else { throw .tooLarge(limit: limits.messageBytes) }
        let bytes = CRLF.normalize(raw)
        let (headerLines, body) = try split(bytes, limits: limits)
        var message = InboundMessage()
        message.headers = headerLines
        let type = MIMEType(message.header("content-type") ?? "text/plain")
        message.contentType = type.value
        message.reportType = type.parameters["report-type"]?.lowercased()
        var parts = 0
        try message.read(headers: headerLines, body: body, depth: 0, parts: &parts, limits: limits)
        return message
    }

    /// Only the headers, for deciding about a message whose body cannot be read (a bounce
    /// quoting something broken is still a bounce).
    public static func parseHeaders(_ raw: [UInt8], limits: Limits = Limits()) throws(Failure) -> InboundMessage {
        var message = InboundMessage()
        message.headers = try split(CRLF.normalize(Array(raw.prefix(limits.headerBlockBytes + 4))), limits: limits).0
        let type = MIMEType(message.header("content-type") ?? "text/plain")
        message.contentType = type.value
        message.reportType = type.parameters["report-type"]?.lowercased()
        return message
    }

    // MARK: Headers

    /// The header block and the body after the first empty line, headers unfolded.
    static func split(_ bytes: [UInt8], limits: Limits) throws(Failure) -> ([(name: String, value: String)], ArraySlice<UInt8>) {
        var headers: [(name: String, value: String)] = []
        var index = 0
        var current: [UInt8] = []
        func finish() throws(Failure) {
            guard !current.isEmpty else { return }
            guard let colon = current.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                throw .malformed("a header line without a name")
            }
            let name = String(decoding: current[..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
            let value = String(decoding: current[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
            current = []
        }
        while index < bytes.count {
            guard index <= limits.headerBlockBytes else { throw .headerTooLong }
            let end = lineEnd(bytes, from: index)
            let line = bytes[index..<end]
            index = min(bytes.count, end + 2)
            if line.isEmpty {
                try finish()
                guard !headers.isEmpty else { throw .noHeaders }
                return (headers, bytes[index...])
            }
            if line.first == UInt8(ascii: " ") || line.first == UInt8(ascii: "\t") {
                guard !current.isEmpty else { throw .malformed("a continuation line before any header") }
                current.append(UInt8(ascii: " "))
                current += line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            } else {
                try finish()
                current = Array(line)
            }
            guard current.count <= limits.headerBytes else { throw .headerTooLong }
        }
        try finish()
        guard !headers.isEmpty else { throw .noHeaders }
        return (headers, [])
    }

    /// Where the CRLF of the line starting at `from` begins (or the end).
    static func lineEnd(_ bytes: [UInt8], from: Int) -> Int {
        var i = from
        while i + 1 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 { return i }
            i += 1
        }
        return bytes.count
    }

    // MARK: Entities

    private mutating func read(
        headers: [(name: String, value: String)], body: ArraySlice<UInt8>, depth: Int, parts: inout Int, limits: Limits
    ) throws(Failure) {
        parts += 1
        guard parts <= limits.parts else { throw .tooManyParts }
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        let type = MIMEType(header("content-type") ?? "text/plain")
        let disposition = MIMEType(header("content-disposition") ?? "inline")
        let filename = (disposition.parameters["filename"] ?? type.parameters["name"]).map(EncodedWords.decode)
        let isAttachment = disposition.value == "attachment" || (filename != nil && !type.value.hasPrefix("text/"))
        if type.value.hasPrefix("multipart/") {
            guard depth < limits.depth else { throw .nestedTooDeep }
            guard let boundary = type.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 else {
                throw .malformed("a multipart part without a boundary")
            }
            let children = try Self.multipartChildren(body, boundary: boundary, limits: limits)
            let ordered = type.value == "multipart/alternative" ? Self.preferPlain(children) : children
            for child in ordered {
                // Of alternatives, the first readable one is the text; the others repeat it.
                if type.value == "multipart/alternative" && !text.isEmpty { break }
                try read(headers: child.headers, body: child.body[...], depth: depth + 1, parts: &parts, limits: limits)
            }
            return
        }
        if type.value == "message/rfc822" {
            // A bounce quotes the message it returns; it is dropped, not read.
            if reportType != nil { return }
            throw .forwardedMessage
        }
        let decoded = TransferEncoding.decode(body, encoding: header("content-transfer-encoding"))
        if !isAttachment && text.isEmpty && (type.value == "text/plain" || type.value == "text/html") {
            let words = try Charsets.decode(decoded, charset: type.parameters["charset"])
            if type.value == "text/html" {
                text = HTMLText.text(of: words)
                textFromHTML = true
            } else {
                text = words
            }
            return
        }
        // Inline text after the first (a second part of a mixed body) and the
        // delivery-status parts of a bounce are not attachments anyone sent us.
        if !isAttachment && (type.value.hasPrefix("text/") || type.value.hasPrefix("message/")) { return }
        attachments.append(
            Attachment(filename: Self.safeFilename(filename ?? "attachment"), declaredType: type.value, bytes: decoded))
    }

    /// Plain text before HTML: it is what the sender's client wrote, unconverted.
    private static func preferPlain(_ children: [Part]) -> [Part] {
        func rank(_ part: Part) -> Int {
            let type = MIMEType(part.headers.first { $0.name == "content-type" }?.value ?? "text/plain").value
            return type == "text/plain" ? 0 : type == "text/html" ? 1 : 2
        }
        return children.sorted { rank($0) < rank($1) }
    }

    struct Part {
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
    }

    /// The parts of a multipart body, through multipart-kit (and the guard that keeps
    /// bytes it cannot survive away from it).
    static func multipartChildren(_ whole: ArraySlice<UInt8>, boundary: String, limits: Limits) throws(Failure) -> [Part] {
        // The preamble ("This is a multi-part message in MIME format.") is for old
        // clients; it goes before the parser sees it, which takes any "-" there for a start.
        let delimiter = Array(("--" + boundary).utf8)
        guard let start = firstDelimiter(delimiter, in: whole) else { throw .malformed("no part starts with the boundary") }
        let body = whole[start...]
        var guardian = MultipartGuard(boundary: boundary)
        let safe = body.withUnsafeBytes { guardian.accept($0) }
        guard safe else { throw .malformed("a part header name with a byte over 127") }
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var current = Part()
        var headerBytes = 0
        var failure: Failure?
        parser.onHeader = { name, value in
            headerBytes += name.utf8.count + value.utf8.count
            if headerBytes > limits.headerBlockBytes { failure = failure ?? .headerTooLong }
            current.headers.append((name.lowercased(), value))
        }
        parser.onBody = { buffer in
            if let bytes = buffer.readBytes(length: buffer.readableBytes) { current.body += bytes }
        }
        parser.onPartComplete = {
            parts.append(current)
            current = Part()
            if parts.count > limits.parts { failure = failure ?? .tooManyParts }
        }
        do {
            try parser.execute(Array(body))
        } catch {
            throw .malformed("multipart syntax")
        }
        if let failure { throw failure }
        // A last part whose closing delimiter never came (a sloppy or cut message) counts.
        if !current.headers.isEmpty || !current.body.isEmpty { parts.append(current) }
        guard !parts.isEmpty else { throw .malformed("a multipart body without parts") }
        return parts
    }

    /// Where the first line that starts with the delimiter begins.
    static func firstDelimiter(_ delimiter: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            if bytes.endIndex - lineStart >= delimiter.count, bytes[lineStart..<(lineStart + delimiter.count)].elementsEqual(delimiter) {
                return lineStart
            }
            guard let newline = bytes[lineStart...].firstIndex(of: 10) else { return nil }
            lineStart = newline + 1
        }
        return nil
    }

    /// A name for the document list: the last path component, no control characters.
    static func safeFilename(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
        let clean = String(last.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.map(Character.init))
        let trimmed = clean.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "attachment" : String(trimmed.prefix(200))
    }
}

/// `type/subtype; name=value; name="quoted value"`, names and the type in lower case.
struct MIMEType {
    var value: String
    var parameters: [String: String] = [:]

    init(_ header: String) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in header {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        value = pieces[0].trimmingCharacters(in: .whitespaces).lowercased()
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var raw = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if raw.count >= 2, raw.hasPrefix("\""), raw.hasSuffix("\"") { raw = String(raw.dropFirst().dropLast()) }
            // RFC 2231's `filename*=utf-8''name%20with%20spaces` (read as UTF-8).
            if name.hasSuffix("*"), let tick = raw.range(of: "''") {
                parameters[String(name.dropLast())] =
                    raw[tick.upperBound...].removingPercentEncoding ?? String(raw[tick.upperBound...])
            } else if parameters[name] == nil {
                parameters[name] = raw
            }
        }
    }
}

/// Bare LF (what pipe transports often hand over) becomes CRLF, so one parser reads both.
enum CRLF {
    static func normalize(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(10) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 40)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 10 && previous != 13 { out.append(13) }
            out.append(byte)
            previous = byte
        }
        return out
    }
}

/// The addresses in an address list header (`"Name, Inc." <a@b.c>, d@e.f`), lower case.
public enum Addresses {
    public static func parse(_ header: String) -> [String] {
        var results: [String] = []
        var current = ""
        var quoted = false
        var angle = false
        var angled: String?
        func flush() {
            let candidate = (angled ?? current).trimmingCharacters(in: .whitespaces)
            if candidate.contains("@"), !candidate.contains(" ") { results.append(candidate.lowercased()) }
            current = ""
            angled = nil
        }
        for character in header {
            switch character {
            case "\"": quoted.toggle()
            case "<" where !quoted:
                angle = true
                angled = ""
            case ">" where !quoted: angle = false
            case "," where !quoted && !angle: flush()
            default:
                if angle { angled?.append(character) } else if !quoted { current.append(character) }
            }
        }
        flush()
        return results
    }
}
