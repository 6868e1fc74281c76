import Glibc

/// Reads a multipart body alongside multipart-kit and stops a request before the parser
/// sees a byte it cannot survive: multipart-kit 4.7.1 looks each byte of a part's header
/// *name* up in a 128-entry table, so a byte of 128 or more there traps and would take
/// the whole `bp serve` process down (found by `make fuzz`). Header values may carry
/// UTF-8 (browsers send file names that way) and are let through.
///
/// It is a byte-for-byte mirror of `MultipartParser`'s state machine (MultipartParser.swift
/// in multipart-kit 4.7.1), keeping only the states: where the two disagreed, a body the
/// guard read as preamble reached the parser's header-name table anyway (`make fuzz`
/// found "??--XyZ" opening a body: the parser's naive preamble match jumps on any "-").
/// It checks every chunk before the parser sees it, so any chunking works; on a byte
/// the parser would reject with a syntax error it stops checking and lets the parser
/// refuse the body itself.
package struct MultipartGuard {
    private enum State {
        case preamble(matched: Int)
        case preHeaders(expectingLF: Bool)
        case headerName(empty: Bool)
        case headerValue
        case postHeaderValue
        case postHeaders
        case body
        case boundary(matched: Int)
        case epilogue
        /// The parser throws at this byte; nothing after it is parsed.
        case syntaxError
    }

    private static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    private static let colon = UInt8(ascii: ":"), hyphen = UInt8(ascii: "-")

    private let delimiter: [UInt8]
    private var state: State = .preamble(matched: 0)

    package init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// False when the chunk holds a byte multipart-kit would trap on.
    package mutating func accept(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch state {
            case .preamble(let matched):
                // parsePreamble: "--boundary" may open the body anywhere; a mismatch
                // restarts at CR or at nothing, without falling back like KMP would.
                var next: Int
                if matched == 0, byte == delimiter[2] {
                    next = 3
                } else if byte == delimiter[matched] {
                    next = matched + 1
                } else if matched > 0, byte == delimiter[0] {
                    next = 1
                } else {
                    next = 0
                }
                state = next >= delimiter.count ? .preHeaders(expectingLF: false) : .preamble(matched: next)
            case .preHeaders(let expectingLF):
                if !expectingLF, byte == Self.cr {
                    state = .preHeaders(expectingLF: true)
                } else if expectingLF, byte == Self.lf {
                    state = .headerName(empty: true)
                } else {
                    state = .syntaxError
                }
            case .headerName(let empty):
                if byte == Self.colon, !empty {
                    state = .headerValue
                } else if byte == Self.cr, empty {
                    state = .postHeaders
                } else if byte >= 0x80 {
                    return false  // the 128-entry table lookup
                } else if Self.allowedInHeaderName(byte) {
                    state = .headerName(empty: false)
                } else {
                    state = .syntaxError
                }
            case .headerValue:
                if byte == Self.cr { state = .postHeaderValue }
            case .postHeaderValue:
                state = byte == Self.lf ? .headerName(empty: true) : .syntaxError
            case .postHeaders:
                state = byte == Self.lf ? .body : .syntaxError
            case .body:
                // parseBody hands everything before a CR to the body; the CR starts a match.
                // Nearly every byte of an upload is body, so the next CR is found with
                // memchr rather than a byte at a time (this loop was a third of an upload's
                // CPU time before).
                if byte == delimiter[0] {
                    state = .boundary(matched: 1)
                } else {
                    guard let found = memchr(base + index, Int32(Self.cr), bytes.count - index) else { return true }
                    index = base.distance(to: UnsafeRawPointer(found)) + 1
                    state = .boundary(matched: 1)
                }
            case .boundary(let matched):
                if matched >= delimiter.count {
                    if byte == Self.cr {
                        state = .preHeaders(expectingLF: true)
                    } else if byte == Self.hyphen {
                        state = .epilogue
                    } else {
                        state = .syntaxError
                    }
                } else if byte == delimiter[matched] {
                    state = .boundary(matched: matched + 1)
                } else {
                    state = byte == delimiter[0] ? .boundary(matched: 1) : .body
                }
            case .epilogue, .syntaxError:
                return true
            }
        }
        return true
    }

    /// RFC 822 token characters, as multipart-kit's table has them.
    private static func allowedInHeaderName(_ byte: UInt8) -> Bool {
        switch byte {
        case 0..<33, 127: return false
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
            UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="),
            UInt8(ascii: "{"), UInt8(ascii: "}"):
            return false
        default: return true
        }
    }
}
