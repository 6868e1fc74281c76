/// Reads a multipart body alongside multipart-kit and stops a request before the parser
/// sees a byte it cannot survive: multipart-kit 4.7.1 looks each byte of a part's header
/// *name* up in a 128-entry table, so a byte of 128 or more there traps and would take
/// the whole `bp serve` process down (found by `make fuzz`). Header values may carry
/// UTF-8 (browsers send file names that way) and are let through.
///
/// It follows the same grammar: a delimiter `CRLF--boundary` (found with a KMP automaton,
/// so any chunking works in linear time), the rest of that line, header lines up to an
/// empty line, then the part's body.
struct MultipartGuard {
    private enum State {
        case body
        case delimiterLine(afterHyphens: Int)
        case headerLineStart
        case headerName
        case headerValue
        case headerLineEnd(blank: Bool)
        case epilogue
    }

    private let pattern: [UInt8]
    private let failure: [Int]
    private var matched: Int
    private var state: State = .body

    init(boundary: String) {
        pattern = Array("\r\n--\(boundary)".utf8)
        var failure = [0]
        var k = 0
        for i in 1..<pattern.count {
            while k > 0 && pattern[i] != pattern[k] { k = failure[k - 1] }
            if pattern[i] == pattern[k] { k += 1 }
            failure.append(k)
        }
        self.failure = failure
        // The first delimiter may open the body without a CRLF before it.
        matched = 2
    }

    /// False when the chunk holds a byte multipart-kit would trap on.
    mutating func accept(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes {
            switch state {
            case .body:
                while matched > 0 && byte != pattern[matched] { matched = failure[matched - 1] }
                if byte == pattern[matched] { matched += 1 }
                if matched == pattern.count {
                    matched = 0
                    state = .delimiterLine(afterHyphens: 0)
                }
            case .delimiterLine(let hyphens):
                if byte == UInt8(ascii: "-") {
                    state = hyphens == 1 ? .epilogue : .delimiterLine(afterHyphens: hyphens + 1)
                } else if byte == UInt8(ascii: "\n") {
                    state = .headerLineStart
                } else {
                    state = .delimiterLine(afterHyphens: 2)
                }
            case .headerLineStart:
                if byte == UInt8(ascii: "\r") {
                    state = .headerLineEnd(blank: true)
                } else {
                    if byte >= 0x80 { return false }
                    state = .headerName
                }
            case .headerName:
                if byte == UInt8(ascii: ":") { state = .headerValue } else if byte >= 0x80 { return false }
            case .headerValue:
                if byte == UInt8(ascii: "\r") { state = .headerLineEnd(blank: false) }
            case .headerLineEnd(let blank):
                if byte == UInt8(ascii: "\n") {
                    if blank { state = .body; matched = 0 } else { state = .headerLineStart }
                } else {
                    state = .headerValue
                }
            case .epilogue:
                return true
            }
        }
        return true
    }
}
