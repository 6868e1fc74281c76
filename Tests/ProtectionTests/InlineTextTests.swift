import Testing

@testable import Protection

@Suite struct InlineTextTests {
    /// ASCII text up to the capacity is held in the value; longer or non-ASCII text is a
    /// String. Either way the bytes and the String are the text's.
    @Test(arguments: [
        "", "a", "yinzb33jymm5ntb64ncf764yym", "customer170505@example.com", String(repeating: "x", count: 32),
        String(repeating: "x", count: 33), "Mały Sklep 770", "zażółć gęślą jaźń, a long one past 32 bytes", "a<&\"'>b",
    ])
    func keepsTheTextsBytes(text: String) {
        let inline = InlineText(text)
        #expect(inline.string == text)
        #expect(inline.withUTF8 { Array($0) } == Array(text.utf8))
        #expect(inline.isEmpty == text.isEmpty)
        let fromBytes = Array(text.utf8).withUnsafeBufferPointer { InlineText(utf8: $0) }
        #expect(fromBytes == inline)
        #expect(fromBytes.description == text)
        let held: Bool
        if case .inline = inline.storage { held = true } else { held = false }
        #expect(held == (text.utf8.count <= InlineText.inlineCapacity && text.utf8.allSatisfy { $0 < 0x80 }), "\(text)")
    }

    @Test func bytesThatAreNotUTF8AreRepairedAsAStringWouldBe() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xC3]
        let text = bytes.withUnsafeBufferPointer { InlineText(utf8: $0) }
        #expect(text.string == String(decoding: bytes, as: UTF8.self))
        #expect(text.string == "a\u{FFFD}b\u{FFFD}")
    }

    @Test func textsAreEqualByTheirBytes() {
        #expect(InlineText("abc") == InlineText("abc"))
        #expect(InlineText("abc") != InlineText("abd"))
        #expect(InlineText("abc") != InlineText("abc\u{0}"))
        #expect(InlineText(String(repeating: "y", count: 40)) == InlineText(String(repeating: "y", count: 40)))
        #expect(InlineText("") == InlineText(""))
    }
}
