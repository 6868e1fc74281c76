import Protection

/// HTML escaping over UTF-8 bytes: `< > & " '` become `&lt; &gt; &amp; &quot; &#39;`, the
/// same five replacements as swift-mustache's escaper (the test-only reference renderer),
/// everything else is copied in runs.
public enum HTMLEscaping {
    public static func append(_ source: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        forEachRun(of: source, run: { out.append(contentsOf: $0) }, entity: { $0.withUTF8Buffer { out.append(contentsOf: $0) } })
    }

    /// The escaped text in pieces, in order: runs of the source that need nothing, and the
    /// entity for each byte that does. Inlined into each writer, so the pieces go straight
    /// into its buffer.
    @inlinable @inline(__always)
    public static func forEachRun(
        of source: UnsafeBufferPointer<UInt8>, run: (UnsafeBufferPointer<UInt8>) -> Void, entity: (StaticString) -> Void
    ) {
        guard let base = source.baseAddress else { return }
        var runStart = 0
        var index = 0
        let count = source.count
        while index < count {
            // Eight bytes at a time while none of them is one of the five: most text has
            // none, and a byte-wise switch was most of the escaping's time.
            while index + 8 <= count, !mayNeedEscaping(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
            }
            guard index < count else { break }
            let replacement: StaticString
            switch source[index] {
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x26: replacement = "&amp;"
            case 0x22: replacement = "&quot;"
            case 0x27: replacement = "&#39;"
            default:
                index += 1
                continue
            }
            if runStart < index { run(UnsafeBufferPointer(rebasing: source[runStart..<index])) }
            entity(replacement)
            index += 1
            runStart = index
        }
        if runStart < count { run(UnsafeBufferPointer(rebasing: source[runStart..<count])) }
    }

    /// Whether any of a word's eight bytes is `< > & " '`.
    @inlinable @inline(__always)
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        ByteWords.bytes(0x3C, in: word) | ByteWords.bytes(0x3E, in: word) | ByteWords.bytes(0x26, in: word)
            | ByteWords.bytes(0x22, in: word) | ByteWords.bytes(0x27, in: word) != 0
    }

    /// The escaped text as a String (for the few places that still build text, and tests).
    public static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
