import Testing

@testable import Protection

@Suite struct ByteWordsTests {
    /// `isASCII` agrees with a byte-by-byte look at every length around a word, with the
    /// one byte that is not ASCII at every position.
    @Test func isASCIIFindsAHighByteAnywhere() {
        for count in 0...20 {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: count)
            #expect(plain.withUnsafeBufferPointer(ByteWords.isASCII), "\(count) bytes")
            for position in 0..<count {
                var text = plain
                text[position] = 0x80 | UInt8(position)
                #expect(!text.withUnsafeBufferPointer(ByteWords.isASCII), "\(count) bytes, high at \(position)")
            }
        }
        #expect(Array("zażółć".utf8).withUnsafeBufferPointer(ByteWords.isASCII) == false)
        #expect(Array("\u{7F}\u{0}\"\\".utf8).withUnsafeBufferPointer(ByteWords.isASCII))
    }
}
