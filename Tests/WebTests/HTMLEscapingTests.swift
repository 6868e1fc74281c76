import Rendering
import Testing

/// The escaper skips eight bytes at a time; it must give what replacing byte by byte gives,
/// wherever the five characters fall in a word and whatever surrounds them.
@Suite struct HTMLEscapingTests {
    static func byteByByte(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text {
            switch byte {
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&#39;".utf8)
            default: out.append(byte)
            }
        }
        return out
    }

    static func escaped(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        text.withUnsafeBufferPointer { HTMLEscaping.append($0, to: &out) }
        return out
    }

    @Test func everyPositionOfEveryCharacterInEveryLength() {
        let specials = Array("<>&\"'".utf8)
        // Neighbours of the five in ASCII and bytes of multi-byte UTF-8, where a borrow in
        // the word test could hide or invent a match.
        let fillers: [UInt8] = [0x00, 0x21, 0x23, 0x25, 0x28, 0x3B, 0x3D, 0x3F, 0x41, 0x7F, 0x80, 0xA6, 0xBC, 0xC5, 0xFF]
        for length in 0...24 {
            for filler in fillers {
                let plain = [UInt8](repeating: filler, count: length)
                #expect(Self.escaped(plain) == Self.byteByByte(plain))
                for position in 0..<length {
                    for special in specials {
                        var text = plain
                        text[position] = special
                        #expect(Self.escaped(text) == Self.byteByByte(text), "\(length) \(filler) \(position) \(special)")
                    }
                }
            }
        }
    }

    @Test func randomText() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab <>&\"'zł€\u{0}".utf8)
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...80, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(Self.escaped(text) == Self.byteByByte(text))
        }
    }

    @Test func stringsEscapeTheSame() {
        #expect(HTMLEscaping.escape("Tom & \"Jerry\" <b>it's</b> — zażółć") == "Tom &amp; &quot;Jerry&quot; &lt;b&gt;it&#39;s&lt;/b&gt; — zażółć")
    }
}
