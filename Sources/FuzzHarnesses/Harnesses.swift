import FastCGI
import Foundation
import Mail
import Operations
import Protection
import Rendering
import Store
import Web

/// What the fuzzers feed with arbitrary bytes: every parser that reads what a client
/// sends. Each harness must return without crashing whatever it is given, and checks
/// the properties its parser promises (a parsed amount prints back to itself, a file's
/// type does not depend on how its bytes were split, …). `bp-fuzz` runs them under
/// libFuzzer; the tests replay the committed corpus through them.
public enum Harnesses {
    public static let names = [
        "urlencoded", "multipart", "cookies", "route", "amount", "json", "jsonwriter", "sniffer", "iso8601", "mail", "mailtext",
    ]

    public static func run(_ name: String, _ data: [UInt8]) {
        switch name {
        case "urlencoded": urlencoded(data)
        case "multipart": multipart(data)
        case "cookies": cookies(data)
        case "route": route(data)
        case "amount": amount(data)
        case "json": json(data)
        case "jsonwriter": jsonWriter(data)
        case "sniffer": sniffer(data)
        case "iso8601": iso8601(data)
        case "mail": mail(data)
        case "mailtext": mailText(data)
        default: fatalError("unknown harness \(name)")
        }
    }

    static func urlencoded(_ data: [UInt8]) {
        guard let fields = try? URLEncoded.parse(data, maxFields: 64) else { return }
        precondition(fields.values.reduce(0) { $0 + $1.count } <= 64, "field limit")
        for (name, values) in fields {
            // What was decoded encodes back to something that decodes the same.
            let again = try? URLEncoded.parse(values.map { URLEncoded.encode(name) + "=" + URLEncoded.encode($0) }.joined(separator: "&"))
            precondition(again == nil || again?[name] == values, "urlencoded round trip")
        }
    }

    /// Removes the folder the multipart harness writes its uploads to (the corpus replay
    /// in `make test` calls it when done; libFuzzer runs leave it to the OS).
    public static func removeUploads() { try? FileManager.default.removeItem(atPath: uploads) }

    static let uploads: String = {
        let path = NSTemporaryDirectory() + "bp-fuzz-uploads-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// The whole multipart path: `MultipartSplitter`, our part headers, limits, file
    /// sinks and type detection, fed in chunks of a size the input chooses.
    static func multipart(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let chunk = Int(first % 64) + 1
        let body = Array(data.dropFirst())
        let request = HTTPRequest(
            params: [
                "REQUEST_METHOD": "POST", "CONTENT_TYPE": "multipart/form-data; boundary=XyZ",
                "CONTENT_LENGTH": String(body.count),
            ],
            body: RequestBody(bytes: body, chunk: chunk))
        let limits = FormBody.Limits(fieldBytes: 256, fields: 8, fileBytes: 512, files: 3, requestBytes: 4096)
        if let form = try? FormBody.read(request, limits: limits, uploadDirectory: uploads) {
            precondition(form.uploads.count <= 3, "file limit")
            precondition(form.uploads.allSatisfy { $0.size > 0 && $0.size <= 512 }, "file size limit")
            precondition(form.fields.values.allSatisfy { $0.allSatisfy { $0.utf8.count <= 256 } }, "field size limit")
            form.cleanUp()
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []
        precondition(left.isEmpty, "an upload file outlived its request")
    }

    static func cookies(_ data: [UInt8]) {
        let parsed = Cookies.parse(String(decoding: data, as: UTF8.self))
        precondition(parsed.keys.allSatisfy { !$0.isEmpty }, "empty cookie name")
    }

    static func route(_ data: [UInt8]) {
        guard let route = SiteRoute(path: String(decoding: data, as: UTF8.self)) else { return }
        precondition(SiteRoute(path: route.path) == route, "route round trip")
    }

    static func amount(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        for digits in [0, 2, 3] {
            if case .success(let minor) = AmountText.parse(text, minorDigits: digits) {
                precondition(minor > 0 && minor <= AmountText.maximumMinor, "amount range")
                let printed = AmountText.plain(minor: minor, digits: digits, separator: ".")
                precondition(AmountText.parse(printed, minorDigits: digits) == .success(minor), "amount round trip")
            }
        }
    }

    static func json(_ data: [UInt8]) {
        guard let registration = try? ShopAPI.registration(fromJSON: data) else { return }
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        if let protection = try? registration.validated(shopID: "shop", shopLocale: .pl, now: now, deadlines: Deadlines()) {
            precondition(protection.value.minor > 0, "positive amount")
            precondition(EmailAddress.normalize(protection.customerEmail) == protection.customerEmail, "normalized email")
            precondition((1...64).contains(protection.orderNumber.count), "order number length")
        }
    }

    /// What the JSON writer is given in `jsonwriter`.
    enum WriterValue: Codable {
        case string(String)
        case integer(Int)
        case bool(Bool)
        case null

        /// Read back as JSONDecoder reads it: null, a bool, an integer, or a string.
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let b = try? container.decode(Bool.self) {
                self = .bool(b)
            } else if let n = try? container.decode(Int.self) {
                self = .integer(n)
            } else {
                self = .string(try container.decode(String.self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .integer(let n): try container.encode(n)
            case .bool(let b): try container.encode(b)
            case .null: try container.encodeNil()
            }
        }

        /// Values from bytes: a head byte below 0x80 is the length of a string that follows
        /// (invalid UTF-8 becomes U+FFFD); 0xFF null, 0xFE a bool, other heads an integer
        /// from the next 8 bytes.
        static func values(_ data: [UInt8]) -> [WriterValue] {
            var values: [WriterValue] = []
            var rest = data[...]
            while let head = rest.popFirst() {
                switch head {
                case 0..<0x80:
                    values.append(.string(String(decoding: rest.prefix(Int(head)), as: UTF8.self)))
                    rest = rest.dropFirst(Int(head))
                case 0xFF: values.append(.null)
                case 0xFE: values.append(.bool((rest.popFirst() ?? 0) & 1 == 1))
                default:
                    var n: UInt64 = 0
                    for _ in 0..<8 { n = n << 8 | UInt64(rest.popFirst() ?? 0) }
                    values.append(.integer(Int(truncatingIfNeeded: n)))
                }
            }
            return values
        }

        func matches(_ parsed: WriterValue) -> Bool {
            switch (self, parsed) {
            // Scalar by scalar: String's == would let a decomposed é pass for a composed one.
            case (.string(let text), .string(let read)): read.unicodeScalars.elementsEqual(text.unicodeScalars)
            case (.integer(let n), .integer(let read)): n == read
            case (.bool(let b), .bool(let read)): b == read
            case (.null, .null): true
            default: false
            }
        }
    }

    /// The shop API's JSON writer: whatever strings and integers it writes, JSONDecoder reads
    /// back exactly (JSONSerialization is no judge: it drops a U+FEFF that follows an
    /// escaped control character) (the strings also as object keys), the output is UTF-8 with every
    /// control character escaped, and the bytes are those JSONEncoder wrote before it.
    static func jsonWriter(_ data: [UInt8]) {
        let values = WriterValue.values(data)
        var array = JSONWriter()
        array.beginArray()
        for value in values {
            switch value {
            case .string(let text): array.string(text)
            case .integer(let n): array.integer(n)
            case .bool(let b): array.bool(b)
            case .null: array.null()
            }
        }
        array.endArray()
        precondition(String(validating: array.bytes, as: UTF8.self) != nil, "JSON that is not UTF-8")
        precondition(!array.bytes.contains { $0 < 0x20 }, "an unescaped control character")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        precondition((try? encoder.encode(values)).map(Array.init) == array.bytes, "the writer and JSONEncoder differ")
        let parsed = try? JSONDecoder().decode([WriterValue].self, from: Data(array.bytes))
        precondition(parsed?.count == values.count, "the array does not parse back")
        precondition(zip(values, parsed ?? []).allSatisfy { $0.matches($1) }, "a value does not read back as itself")

        // Keys: each distinct string names its index (distinct as Swift compares them, as the parsed dictionary does).
        var object = JSONWriter()
        var keys: [String: Int] = [:]
        object.beginObject()
        for case (let index, .string(let text)) in values.enumerated() where keys[text] == nil {
            keys[text] = index
            object.key(text: text)
            object.integer(index)
        }
        object.endObject()
        let parsedObject = try? JSONDecoder().decode([String: Int].self, from: Data(object.bytes))
        precondition(parsedObject?.count == keys.count, "the object does not parse back")
        for (key, index) in parsedObject ?? [:] {
            precondition(index == keys[key] && values[keys[key] ?? 0].matches(.string(key)), "a key does not read back as itself")
        }
    }

    /// The detected type must not depend on how the bytes were split.
    static func sniffer(_ data: [UInt8]) {
        guard let first = data.first else { return }
        let body = Array(data.dropFirst())
        var whole = ContentSniffer()
        body.withUnsafeBytes { whole.feed($0) }
        var pieces = ContentSniffer()
        let step = Int(first % 7) + 1
        var index = 0
        while index < body.count {
            let end = min(body.count, index + step)
            body[index..<end].withUnsafeBytes { pieces.feed($0) }
            index = end
        }
        precondition(whole.finish() == pieces.finish(), "sniffing depends on chunking")
        if whole.finish() == .text { precondition(String(validating: body, as: UTF8.self) != nil, "text that is not UTF-8") }
    }

    static func iso8601(_ data: [UInt8]) {
        guard let date = ISO8601.parse(String(decoding: data, as: UTF8.self)) else { return }
        let printed = ISO8601.string(date)
        precondition(
            ISO8601.parse(printed).map { Int($0.timeIntervalSince1970) } == Int(date.timeIntervalSince1970.rounded(.down)),
            "ISO 8601 round trip")
    }

    /// A whole emailed reply as `bp mail-in` reads it: headers, MIME through multipart-kit,
    /// transfer encodings, charsets, HTML to text, then the cut and the automatic-mail check.
    static func mail(_ data: [UInt8]) {
        var limits = InboundMessage.Limits()
        limits.messageBytes = 1 << 20
        _ = try? InboundMessage.parseHeaders(data, limits: limits)
        guard let message = try? InboundMessage.parse(data, limits: limits) else { return }
        precondition(message.attachments.count <= limits.parts, "part limit")
        _ = AutomaticMail.kind(of: message)
        _ = message.subject
        _ = message.fromAddress
        mailText(Array(message.text.utf8))
    }

    /// The text pieces: the quoted history cut (it only ever removes whole lines), RFC
    /// 2047 words, HTML as text, address lists.
    static func mailText(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        let kept = ReplyText.newText(text)
        let lines = Set(
            text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .split(separator: "\n", omittingEmptySubsequences: false).map {
                    String($0.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
                })
        for line in kept.split(separator: "\n", omittingEmptySubsequences: false) where !kept.isEmpty {
            precondition(lines.contains(String(line)), "the cut only removes lines")
        }
        _ = EncodedWords.decode(text)
        _ = Addresses.parse(text)
        _ = HTMLText.text(of: text)
    }
}
