/// Tests on eight bytes at once (a `UInt64` read from text): the HTML and JSON escapers
/// skip a word while none of its bytes needs escaping, which is most text. Each returns a
/// mask that is not zero exactly when the word has such a byte, so tests combine by `|`.
public enum ByteWords {
    /// A byte of `word` below `limit` (at most 0x80) borrows in `word - limit…` where it
    /// had no high bit.
    @inlinable @inline(__always)
    public static func bytes(below limit: UInt8, in word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101 &* UInt64(limit)) & ~word & 0x8080_8080_8080_8080
    }

    /// XOR with `byte` repeated makes each `byte` of the word zero, and a zero byte is one
    /// below 1.
    @inlinable @inline(__always)
    public static func bytes(_ byte: UInt8, in word: UInt64) -> UInt64 {
        bytes(below: 1, in: word ^ (0x0101_0101_0101_0101 &* UInt64(byte)))
    }

    /// Whether every byte is ASCII (below 0x80), eight at a time.
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var high: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            high |= UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
