/// Decides a file's type from its bytes, never from its name or the browser's claim.
/// Fed the file in chunks as it streams; plain text must be valid UTF-8 to the end
/// and free of control characters other than tab, line feed, carriage return, form feed.
package struct ContentSniffer {
    package enum Kind: String {
        case pdf = "application/pdf"
        case png = "image/png"
        case jpeg = "image/jpeg"
        case webp = "image/webp"
        case gif = "image/gif"
        case text = "text/plain; charset=utf-8"
    }

    private var head: [UInt8] = []
    private var textPossible = true
    private var pending: [UInt8] = []  // an incomplete UTF-8 sequence at a chunk's end
    package private(set) var size = 0

    package init() {}

    package mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        size += bytes.count
        if head.count < 16 { head += bytes.prefix(16 - head.count) }
        if textPossible { checkText(bytes) }
    }

    /// The detected type once the whole file was fed, or nil when it is none we accept.
    package func finish() -> Kind? {
        if let binary = Self.binaryKind(head) { return binary }
        guard textPossible, pending.isEmpty, size > 0 else { return nil }
        return .text
    }

    static func binaryKind(_ h: [UInt8]) -> Kind? {
        func starts(_ magic: [UInt8]) -> Bool { h.count >= magic.count && Array(h.prefix(magic.count)) == magic }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if h.count >= 12, Array(h[0..<4]) == Array("RIFF".utf8), Array(h[8..<12]) == Array("WEBP".utf8) { return .webp }
        return nil
    }

    private mutating func checkText(_ chunk: UnsafeRawBufferPointer) {
        var bytes = pending
        bytes.append(contentsOf: chunk)
        pending = []
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x0C || b == 0x7F {
                    textPossible = false
                    return
                }
                i += 1
                continue
            }
            let length: Int
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default:
                textPossible = false
                return
            }
            if i + length > n {
                pending = Array(bytes[i..<n])
                return
            }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 {
                textPossible = false
                return
            }
            // Overlong and surrogate forms.
            if b == 0xE0 && bytes[i + 1] < 0xA0 || b == 0xED && bytes[i + 1] > 0x9F
                || b == 0xF0 && bytes[i + 1] < 0x90 || b == 0xF4 && bytes[i + 1] > 0x8F
            {
                textPossible = false
                return
            }
            i += length
        }
    }
}
