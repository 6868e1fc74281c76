/// HTML escaping over UTF-8 bytes: `< > & " '` become `&lt; &gt; &amp; &quot; &#39;`, the
/// same five replacements as swift-mustache's escaper (the test-only reference renderer),
/// everything else is copied in runs.
public enum HTMLEscaping {
    public static func append(_ source: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = source.count
        while index < count {
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
            if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index])) }
            replacement.withUTF8Buffer { out.append(contentsOf: $0) }
            index += 1
            runStart = index
        }
        if runStart < count { out.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<count])) }
    }

    /// The escaped text as a String (for the few places that still build text, and tests).
    public static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
