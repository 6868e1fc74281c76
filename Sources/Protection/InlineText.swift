/// Short text kept in the value itself: a list line's case id (26 bytes) or customer
/// email, read from the database without a heap allocation.
///
/// A Swift String holds at most 15 bytes inline; each longer one a list line kept cost an
/// allocation, a UTF-8 check and a free, about a tenth of the Control Centre's list
/// (callgrind, 51 lines). ASCII text of up to 32 bytes is held here in four words; other
/// text (longer, or not ASCII) is a String, so what is inline is always valid UTF-8.
public struct InlineText: Sendable {
    /// The longest text held inline.
    public static let inlineCapacity = 32

    @usableFromInline typealias Words = (UInt64, UInt64, UInt64, UInt64)

    @usableFromInline enum Storage: Sendable {
        case inline(Words, count: Int)
        case string(String)
    }

    @usableFromInline let storage: Storage

    public init(_ string: String) {
        var string = string
        storage = string.withUTF8 { Self.inline($0) } ?? .string(string)
    }

    /// Text from UTF-8 bytes; bytes that are not UTF-8 are repaired as `String(decoding:)` does.
    public init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        storage = Self.inline(bytes) ?? .string(String(decoding: bytes, as: UTF8.self))
    }

    private static func inline(_ bytes: UnsafeBufferPointer<UInt8>) -> Storage? {
        guard bytes.count <= inlineCapacity else { return nil }
        var words: Words = (0, 0, 0, 0)
        if let start = bytes.baseAddress {
            withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: start, byteCount: bytes.count) }
        }
        // The words past the text are zero, so one high bit anywhere means "not ASCII".
        guard (words.0 | words.1 | words.2 | words.3) & 0x8080_8080_8080_8080 == 0 else { return nil }
        return .inline(words, count: bytes.count)
    }

    /// The text's UTF-8 bytes, valid inside `body`.
    @inlinable
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch storage {
        case .inline(let words, let count):
            return try withUnsafeBytes(of: words) { raw in
                try body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
            }
        case .string(var string):
            return try string.withUTF8(body)
        }
    }

    public var string: String {
        switch storage {
        case .inline: withUTF8 { String(decoding: $0, as: UTF8.self) }
        case .string(let string): string
        }
    }

    public var isEmpty: Bool { withUTF8 { $0.isEmpty } }
}

extension InlineText: Equatable {
    public static func == (a: InlineText, b: InlineText) -> Bool {
        a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
    }
}

extension InlineText: CustomStringConvertible {
    public var description: String { string }
}

extension InlineText: ExpressibleByStringLiteral {
    public init(stringLiteral text: String) { self.init(text) }
}
