import Protection

/// The bytes a compiled template writes: literal text as it stands in the template, model
/// values HTML-escaped (`{{value}}` in an HTML template) or as they are (a TEXT template,
/// `{{{value}}}`). One buffer a page, grown as needed; no String is built on the way.
///
/// The buffer is its own memory rather than an `[UInt8]`: a list page makes about a
/// thousand small appends, and an array's append checked its uniqueness and capacity
/// through a generic path each time (a tenth of the page's instructions, callgrind). Here
/// an append is a capacity check and a copy, inlined into the compiled templates. The type
/// cannot be copied (`~Copyable`), so the memory has one owner and is freed once.
public struct TemplateOutput: ~Copyable {
    @usableFromInline var start: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    public init(capacity: Int = 16_384) {
        self.capacity = max(capacity, 64)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// Room for `more` bytes after those written: where they go.
    @inlinable @inline(__always)
    mutating func room(_ more: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity - count < more { grow(more) }
        return start + count
    }

    @usableFromInline
    mutating func grow(_ more: Int) {
        let larger = max(capacity * 2, count + more)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = larger
    }

    /// Bytes as they are: the catalog's words, prepared once.
    @inlinable @inline(__always)
    public mutating func append(_ prepared: UnsafeBufferPointer<UInt8>) {
        guard let from = prepared.baseAddress, prepared.count > 0 else { return }
        room(prepared.count).initialize(from: from, count: prepared.count)
        count += prepared.count
    }

    @inlinable @inline(__always)
    public mutating func append(_ prepared: [UInt8]) {
        prepared.withUnsafeBufferPointer { append($0) }
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        room(1).initialize(to: byte)
        count += 1
    }

    @inlinable @inline(__always)
    public mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    public mutating func raw(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
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
        if value < 0 { append(UInt8(ascii: "-")) }
        var rest = value.magnitude
        var digits = 1
        var scale: UInt = 10
        while digits < 20 && rest >= scale {
            digits += 1
            scale = scale &* 10
        }
        let end = room(digits) + digits
        var at = end
        repeat {
            at -= 1
            at.initialize(to: UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while at > end - digits
        count += digits
    }

    /// A value composed on the stack (an amount, a date): its bytes at once.
    package mutating func append(_ scratch: borrowing ScratchBytes) {
        scratch.withBytes { append($0) }
    }

    /// The page's bytes, copied out once it is written.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }

    /// The page as text (mail bodies are composed as strings).
    public var text: String { String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self) }
}
