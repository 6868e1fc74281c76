import Glibc

/// What a `MultipartSplitter` finds, in order: a part's headers, its body in pieces, its end.
protocol MultipartSink: AnyObject {
    func header(_ name: String, _ value: String)
    func body(_ bytes: UnsafeRawBufferPointer)
    func partComplete()
}

/// Splits a `multipart/form-data` body (RFC 7578, RFC 2046 §5.1) into parts as it streams
/// in, chunk by chunk, in the grammar multipart-kit 4.7.1's `MultipartParser` accepts.
///
/// Why not multipart-kit for forms: it looks at a file's bytes one at a time and hands them
/// over in pieces that end at every CR byte (a few hundred bytes in binary data), and it
/// traps on a header-name byte over 127 (see `MultipartGuard`, which mirrors it byte by
/// byte to keep it alive). The two were 60 % of a 50 MB upload's CPU. Here a body is
/// searched for its delimiter with `memchr` and handed over a chunk at a time, and a
/// header name is a token or the body is refused. `MultipartSplitterTests` checks it
/// against multipart-kit on generated bodies cut into random chunks.
///
/// Grammar, as multipart-kit reads it: anything up to the first `--boundary` (the
/// preamble); then CRLF and header lines `name: value` (name a token, leading blanks of
/// the value skipped) up to an empty line; then the body up to CRLF `--boundary`; then
/// CRLF and the next part's headers, or `--` and the epilogue, which is ignored
/// (multipart-kit takes one `-` for the end; the splitter wants both).
struct MultipartSplitter {
    enum Failure: Error, Equatable {
        /// The bytes break the grammar.
        case syntax
        /// One part's header lines are longer than the limit.
        case headersTooLarge
    }

    private enum State {
        case preamble
        /// Just after a boundary: CRLF (or, after the first, `-` for the end) must follow.
        case afterBoundary(first: Bool)
        case headers
        case body
        case epilogue
    }

    private let opening: [UInt8]  // "--boundary"
    private let delimiter: [UInt8]  // "\r\n--boundary"
    private let headerLimit: Int
    private var state: State = .preamble
    private var headerBytes = 0
    /// Bytes of the last chunk that could not be decided yet (a delimiter's or a header
    /// line's start); they go in front of the next chunk.
    private var carry: [UInt8] = []

    init(boundary: String, headerLimit: Int) {
        opening = Array("--\(boundary)".utf8)
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.headerLimit = headerLimit
    }

    /// True once the closing boundary has been read: a body that ends before it was cut short.
    var isComplete: Bool {
        if case .epilogue = state { return true }
        return false
    }

    /// Reads one more chunk; throws a `Failure`.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, into sink: some MultipartSink) throws {
        if carry.isEmpty {
            let used = try process(chunk, sink)
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[used...]))
        } else {
            var joined = carry
            joined.append(contentsOf: chunk)
            let used = try joined.withUnsafeBytes { buffer in try process(buffer, sink) }
            carry = Array(joined[used...])
        }
    }

    /// Consumes what it can of `buffer` and answers how much.
    private mutating func process(_ buffer: UnsafeRawBufferPointer, _ sink: some MultipartSink) throws(Failure) -> Int {
        let count = buffer.count
        var position = 0
        while position < count {
            switch state {
            case .preamble:
                if let found = Self.find(opening, in: buffer, from: position) {
                    position = found + opening.count
                    state = .afterBoundary(first: true)
                } else {
                    return max(position, count - (opening.count - 1))
                }
            case .afterBoundary(let first):
                if !first && buffer[position] == UInt8(ascii: "-") {
                    guard position + 1 < count else { return position }
                    guard buffer[position + 1] == UInt8(ascii: "-") else { throw .syntax }
                    state = .epilogue
                    return count
                }
                guard buffer[position] == UInt8(ascii: "\r") else { throw .syntax }
                guard position + 1 < count else { return position }
                guard buffer[position + 1] == UInt8(ascii: "\n") else { throw .syntax }
                position += 2
                state = .headers
                headerBytes = 0
            case .headers:
                guard let cr = Self.index(of: UInt8(ascii: "\r"), in: buffer, from: position) else {
                    if headerBytes + count - position > headerLimit { throw .headersTooLarge }
                    return position
                }
                guard cr + 1 < count else { return position }
                guard buffer[cr + 1] == UInt8(ascii: "\n") else { throw .syntax }
                headerBytes += cr - position + 2
                if headerBytes > headerLimit { throw .headersTooLarge }
                if cr == position {
                    state = .body
                } else {
                    try Self.headerLine(UnsafeRawBufferPointer(rebasing: buffer[position..<cr]), sink)
                }
                position = cr + 2
            case .body:
                if let found = Self.find(delimiter, in: buffer, from: position) {
                    if found > position { sink.body(UnsafeRawBufferPointer(rebasing: buffer[position..<found])) }
                    sink.partComplete()
                    position = found + delimiter.count
                    state = .afterBoundary(first: false)
                } else {
                    // Keep back a tail that may be the delimiter's start; hand over the rest.
                    let end = count - delimiterPrefix(endingAt: buffer, after: position)
                    if end > position { sink.body(UnsafeRawBufferPointer(rebasing: buffer[position..<end])) }
                    return end
                }
            case .epilogue:
                return count
            }
        }
        return position
    }

    /// One `name: value` line: the name a token (RFC 7230 tchar), the value's leading blanks skipped.
    private static func headerLine(_ line: UnsafeRawBufferPointer, _ sink: some MultipartSink) throws(Failure) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { throw .syntax }
        for byte in line[..<colon] where !isTokenByte(byte) { throw .syntax }
        var start = colon + 1
        while start < line.count && (line[start] == 0x20 || line[start] == 0x09) { start += 1 }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
        // Not UTF-8: an empty value, as multipart-kit gives (the part then has no name and is refused).
        let value = String(validating: UnsafeRawBufferPointer(rebasing: line[start...]), as: UTF8.self) ?? ""
        sink.header(name, value)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return tokenPunctuation.contains(byte)
        }
    }

    private static let tokenPunctuation = Array("!#$%&'*+-.^_`|~".utf8)

    /// How many bytes at the end of `buffer`, after `start`, are the first bytes of the delimiter.
    private func delimiterPrefix(endingAt buffer: UnsafeRawBufferPointer, after start: Int) -> Int {
        let count = buffer.count
        var length = min(delimiter.count - 1, count - start)
        while length > 0 {
            if buffer[count - length] == delimiter[0]
                && delimiter.withUnsafeBytes({ memcmp(buffer.baseAddress! + count - length, $0.baseAddress!, length) == 0 })
            {
                return length
            }
            length -= 1
        }
        return 0
    }

    private static func index(of byte: UInt8, in buffer: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < buffer.count, let found = memchr(buffer.baseAddress! + start, Int32(byte), buffer.count - start) else {
            return nil
        }
        return UnsafeRawPointer(found) - buffer.baseAddress!
    }

    /// Where `needle` first occurs in `buffer` at or after `start`: `memchr` for its first
    /// byte, then `memcmp` for the rest.
    private static func find(_ needle: [UInt8], in buffer: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var at = start
        while let candidate = index(of: needle[0], in: buffer, from: at) {
            guard candidate + needle.count <= buffer.count else { return nil }
            let same = needle.withUnsafeBytes { memcmp(buffer.baseAddress! + candidate, $0.baseAddress!, needle.count) == 0 }
            if same { return candidate }
            at = candidate + 1
        }
        return nil
    }
}
