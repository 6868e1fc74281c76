/// Bytes appended to memory of their own: a page as its compiled template writes it, an
/// API answer as the JSON writer writes it. One buffer, grown as needed.
///
/// Not an `[UInt8]`: a list page makes about a thousand small appends and an API list ten
/// thousand, and an array's append checked its uniqueness and capacity through a generic
/// path each time (a tenth of a list page's instructions, an eighth of an API list's,
/// callgrind). Here an append is a capacity check and a copy, inlined where it is called.
/// The type cannot be copied (`~Copyable`), so the memory has one owner and is freed once.
public struct ByteOutput: ~Copyable {
    @usableFromInline var start: UnsafeMutablePointer<UInt8>
    @usableFromInline var used = 0
    @usableFromInline var capacity: Int

    public init(capacity: Int = 16_384) {
        self.capacity = max(capacity, 64)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// How many bytes are written.
    @inlinable public var count: Int { used }

    /// Room for `more` bytes after those written: where they go (then `advance`).
    @inlinable @inline(__always)
    public mutating func room(_ more: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity - used < more { grow(more) }
        return start + used
    }

    /// Counts `written` bytes put into `room` as written.
    @inlinable @inline(__always)
    public mutating func advance(by written: Int) { used += written }

    @usableFromInline
    mutating func grow(_ more: Int) {
        let larger = max(capacity * 2, used + more)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: start, count: used)
        start.deallocate()
        start = moved
        capacity = larger
    }

    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        room(bytes.count).initialize(from: from, count: bytes.count)
        used += bytes.count
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        room(1).initialize(to: byte)
        used += 1
    }

    @inlinable @inline(__always)
    public mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// A value composed on the stack (an amount, a date): its bytes at once.
    package mutating func append(_ scratch: borrowing ScratchBytes) {
        scratch.withBytes { append($0) }
    }

    /// Decimal digits, written in place.
    public mutating func decimal(_ value: Int) {
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
        used += digits
    }

    /// The bytes written, copied out.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: start, count: used)) }

    /// The bytes written, as text.
    public var text: String { String(decoding: UnsafeBufferPointer(start: start, count: used), as: UTF8.self) }
}
