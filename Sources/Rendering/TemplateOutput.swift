/// The bytes a compiled template writes: literal text as it stands in the template, model
/// values HTML-escaped (`{{value}}` in an HTML template) or as they are (a TEXT template,
/// `{{{value}}}`). One buffer a page, grown as needed; no String is built on the way.
public struct TemplateOutput {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 16_384) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    public mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    public mutating func append(_ prepared: [UInt8]) {
        bytes.append(contentsOf: prepared)
    }

    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func raw(_ text: Substring) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `< > & " '` become entities, the same five as swift-mustache's escaper. A run of
    /// bytes with nothing to replace is appended at once.
    public mutating func escape(_ text: String) {
        var text = text
        text.withUTF8 { HTMLEscaping.append($0, to: &bytes) }
    }

    public mutating func escape(_ text: Substring) {
        escape(String(text))
    }

    public mutating func int(_ value: Int) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Lets a value write its own bytes (`TemplateText`): money, dates and words go
    /// straight into the page.
    @inline(__always)
    public mutating func write(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
    }

    /// Bytes that are escaped on the way in, as `escape` does for a String.
    public mutating func escape(_ text: [UInt8]) {
        text.withUnsafeBufferPointer { HTMLEscaping.append($0, to: &bytes) }
    }

    /// The page as text (mail bodies are composed as strings).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
