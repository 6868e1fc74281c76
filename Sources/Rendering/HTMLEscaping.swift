import Mustache

/// HTML escaping for every `{{value}}` of the HTML templates, byte by byte over UTF-8:
/// the same five replacements as swift-mustache's own escaper (`< > & " '`), which walks
/// Characters and was the largest single cost of rendering a list page. A string with
/// nothing to escape is returned as it is, without a copy.
struct FastHTMLEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var needsWork = false
        for byte in text.utf8 where byte == 0x3C || byte == 0x3E || byte == 0x26 || byte == 0x22 || byte == 0x27 {
            needsWork = true
            break
        }
        guard needsWork else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x3C: out += [0x26, 0x6C, 0x74, 0x3B]  // &lt;
            case 0x3E: out += [0x26, 0x67, 0x74, 0x3B]  // &gt;
            case 0x26: out += [0x26, 0x61, 0x6D, 0x70, 0x3B]  // &amp;
            case 0x22: out += [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B]  // &quot;
            case 0x27: out += [0x26, 0x23, 0x33, 0x39, 0x3B]  // &#39;
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Registers the escaper under the name the templates' `{{% CONTENT_TYPE: HTML}}`
    /// pragma looks up. Templates without the pragma still escape, with the library's
    /// default: slower, never unsafe.
    static func install() {
        MustacheContentTypes.register(FastHTMLEscaping(), named: "HTML")
    }
}
