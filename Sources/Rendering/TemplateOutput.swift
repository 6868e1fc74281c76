/// The bytes a compiled template writes: literal text as it stands in the template, model
/// values HTML-escaped (`{{value}}` in an HTML template) or as they are (a TEXT template,
/// `{{{value}}}`). One buffer a page, grown as needed; no String is built on the way.
///
/// The writing methods are `@inlinable`: a page makes hundreds of small appends, and
/// across the module boundary each one was a call (a tenth of a list page's rendering).
public struct TemplateOutput {
    /// Settable only so the inlined writers can reach it; nothing else writes to it.
    public var bytes: [UInt8]

    public init(capacity: Int = 16_384) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable @inline(__always)
    public mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inlinable @inline(__always)
    public mutating func append(_ prepared: [UInt8]) {
        bytes.append(contentsOf: prepared)
    }

    /// Bytes as they are: the catalog's words, prepared once.
    @inlinable @inline(__always)
    public mutating func append(_ prepared: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: prepared)
    }

    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func raw(_ text: Substring) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `< > & " '` become entities, the same five as swift-mustache's escaper. A run of
    /// bytes with nothing to replace is appended at once. A native String is read where it
    /// lies; copying it first (for `withUTF8`) cost a reference count each way per value.
    @inlinable
    public mutating func escape(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { HTMLEscaping.append($0, to: &bytes) }
        if done == nil {
            var text = text
            text.withUTF8 { HTMLEscaping.append($0, to: &bytes) }
        }
    }

    public mutating func escape(_ text: Substring) {
        escape(String(text))
    }

    /// Decimal digits, written in place (a String per number was an allocation per row).
    public mutating func int(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt.max has 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var end = buffer.count
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[end...]))
        }
    }

    /// Lets a value write its own bytes (`TemplateText`): money, dates and words go
    /// straight into the page.
    @inlinable @inline(__always)
    public mutating func write(_ body: (inout [UInt8]) -> Void) {
        body(&bytes)
    }

    /// Bytes that are escaped on the way in, as `escape` does for a String.
    public mutating func escape(_ text: [UInt8]) {
        text.withUnsafeBufferPointer { HTMLEscaping.append($0, to: &bytes) }
    }

    @inlinable
    public mutating func escape(_ text: UnsafeBufferPointer<UInt8>) {
        HTMLEscaping.append(text, to: &bytes)
    }

    /// The page as text (mail bodies are composed as strings).
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
