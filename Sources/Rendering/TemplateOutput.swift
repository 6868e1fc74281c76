import Protection

/// The bytes a compiled template writes: literal text as it stands in the template, model
/// values HTML-escaped (`{{value}}` in an HTML template) or as they are (a TEXT template,
/// `{{{value}}}`). One buffer a page (`ByteOutput`: appends inlined into the compiled
/// templates, no array on the way); no String is built on the way.
public struct TemplateOutput: ~Copyable {
    @usableFromInline var buffer: ByteOutput

    public init(capacity: Int = 16_384) {
        buffer = ByteOutput(capacity: capacity)
    }

    /// Bytes as they are: the catalog's words, prepared once.
    @inlinable @inline(__always)
    public mutating func append(_ prepared: UnsafeBufferPointer<UInt8>) {
        buffer.append(prepared)
    }

    @inlinable @inline(__always)
    public mutating func append(_ prepared: [UInt8]) {
        prepared.withUnsafeBufferPointer { buffer.append($0) }
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        buffer.append(byte)
    }

    @inlinable @inline(__always)
    public mutating func literal(_ text: StaticString) {
        buffer.literal(text)
    }

    public mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append($0) }
    }

    public mutating func raw(_ text: Substring) {
        raw(String(text))
    }

    /// `< > & " '` become entities, the same five as swift-mustache's escaper. A run of
    /// bytes with nothing to replace is appended at once. A native String is read where it
    /// lies; copying it first (for `withUTF8`) cost a reference count each way per value.
    @inlinable
    public mutating func escape(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { escape($0) }
        if done == nil {
            var text = text
            text.withUTF8 { escape($0) }
        }
    }

    public mutating func escape(_ text: Substring) {
        escape(String(text))
    }

    /// Bytes that are escaped on the way in, as `escape` does for a String.
    public mutating func escape(_ text: [UInt8]) {
        text.withUnsafeBufferPointer { escape($0) }
    }

    public mutating func escape(_ text: UnsafeBufferPointer<UInt8>) {
        HTMLEscaping.forEachRun(of: text, run: { append($0) }, entity: { literal($0) })
    }

    /// Decimal digits, written in place (a String per number was an allocation per row).
    public mutating func int(_ value: Int) {
        buffer.decimal(value)
    }

    /// A value composed on the stack (an amount, a date): its bytes at once.
    package mutating func append(_ scratch: borrowing ScratchBytes) {
        buffer.append(scratch)
    }

    /// The page's bytes, copied out once it is written.
    public var bytes: [UInt8] { buffer.bytes }

    /// The page as text (mail bodies are composed as strings).
    public var text: String { buffer.text }
}
