import MultipartKit
import NIOCore
import Testing

@testable import Mail
@testable import Operations
@testable import Web

/// What a parser reported, with a part's body pieces joined (where a body is cut into
/// pieces differs between the two parsers and between chunkings, and means nothing).
private final class Recorder: MultipartSink {
    enum Event: Equatable {
        case header(String, String)
        case body([UInt8])
        case complete
    }
    var events: [Event] = []

    func header(_ name: String, _ value: String) { events.append(.header(name, value)) }
    func body(_ bytes: UnsafeRawBufferPointer) { append(Array(bytes)) }
    func partComplete() { events.append(.complete) }

    func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if case .body(let before)? = events.last {
            events[events.count - 1] = .body(before + bytes)
        } else {
            events.append(.body(bytes))
        }
    }
}

@Suite struct MultipartSplitterTests {
    /// multipart-kit 4.7.1, the reference, over the whole body at once.
    private func reference(_ body: [UInt8], boundary: String) -> (events: [Recorder.Event], threw: Bool) {
        let recorder = Recorder()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { recorder.header($0, $1) }
        parser.onBody = { buffer in recorder.append(Array(buffer.readableBytesView)) }
        parser.onPartComplete = { recorder.partComplete() }
        do { try parser.execute(body) } catch { return (recorder.events, true) }
        return (recorder.events, false)
    }

    /// The splitter over the same body cut into chunks of the given sizes, in turn.
    private func split(_ body: [UInt8], boundary: String, chunks: [Int], headerLimit: Int = 8192)
        -> (events: [Recorder.Event], threw: Bool, complete: Bool)
    {
        let recorder = Recorder()
        var splitter = MultipartSplitter(boundary: boundary, headerLimit: headerLimit)
        var index = 0
        var turn = 0
        do {
            while index < body.count {
                let end = min(body.count, index + chunks[turn % chunks.count])
                try body[index..<end].withUnsafeBytes { try splitter.feed($0, into: recorder) }
                index = end
                turn += 1
            }
        } catch {
            return (recorder.events, true, false)
        }
        return (recorder.events, false, splitter.isComplete)
    }

    /// A form as a browser sends it: text fields and files, file bytes of any value
    /// including CRs, LFs, dashes and near-boundaries.
    private func form(_ random: inout SeededGenerator, boundary: String) -> [UInt8] {
        let near = Array("\r\n--\(boundary.dropLast())".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        // A file's bytes never hold the delimiter (a browser picks a boundary they do not hold).
        func content() -> [UInt8] {
            var bytes = someContent()
            while bytes.firstRange(of: delimiter) != nil {
                bytes = someContent()
            }
            return bytes
        }
        func someContent() -> [UInt8] {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                switch Int.random(in: 0..<7, using: &random) {
                case 0: bytes += near
                case 1: bytes += Array("\r\n--".utf8)
                case 2: bytes += [13, 13, 10, 45]
                case 3: bytes += [45]
                case 4: bytes += [13]
                default: bytes += (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                }
            }
            return bytes
        }
        var body = Array(["", "preamble\r\n", "\r\n"][Int.random(in: 0..<3, using: &random)].utf8)
        for part in 0..<Int.random(in: 1...5, using: &random) {
            body += Array("--\(boundary)\r\n".utf8)
            if Bool.random(using: &random) {
                body += Array("Content-Disposition: form-data; name=\"documents\"; filename=\"zażółć \(part).pdf\"\r\n".utf8)
                body += Array("Content-Type:\tapplication/pdf\r\n\r\n".utf8)
            } else {
                body += Array("Content-Disposition:    form-data; name=\"field\(part)\"\r\n\r\n".utf8)
            }
            body += content()
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--".utf8)
        if Bool.random(using: &random) { body += Array("\r\nepilogue --\(boundary)\r\n".utf8) }
        return body
    }

    private func chunking(_ random: inout SeededGenerator) -> [Int] {
        (0..<4).map { _ in [1, 2, 3, 7, 64, 1000, 65536][Int.random(in: 0..<7, using: &random)] }
    }

    @Test func formsSplitAsMultipartKitSplitsThemWhateverTheChunking() {
        var random = SeededGenerator(seed: 2026)
        for seed in 0..<1000 {
            let boundary = seed.isMultiple(of: 2) ? "----WebKitFormBoundary7MA4YWxkTrZu0gW" : "XyZ"
            let body = form(&random, boundary: boundary)
            let expected = reference(body, boundary: boundary)
            #expect(!expected.threw, "seed \(seed): a generated form is well formed")
            let chunks = chunking(&random)
            let got = split(body, boundary: boundary, chunks: chunks)
            #expect(!got.threw && got.complete, "seed \(seed), chunks \(chunks)")
            #expect(got.events == expected.events, "seed \(seed), chunks \(chunks)")
        }
    }

    /// A form with one ASCII byte changed anywhere after its preamble. Wherever the
    /// splitter reads the body to its closing boundary without an error, multipart-kit
    /// reads it to the same parts; and a body multipart-kit refuses, the splitter refuses
    /// too or finds it unfinished. (Bytes over 127 are left out: multipart-kit traps on
    /// them in a header name.)
    @Test func aDamagedFormIsReadAsMultipartKitReadsItOrRefused() {
        var random = SeededGenerator(seed: 77)
        var refused = 0
        var compared = 0
        for seed in 0..<1500 {
            let boundary = "XyZ"
            var body = form(&random, boundary: boundary)
            // After the first boundary: a preamble is where the two knowingly differ
            // (multipart-kit's match of the first boundary restarts naively).
            let opening = body.firstRange(of: Array("--\(boundary)".utf8))!.upperBound
            let at = Int.random(in: opening..<body.count, using: &random)
            body[at] = [UInt8(ascii: "-"), 13, 10, UInt8(ascii: ":"), UInt8(ascii: " "), 0, 0x7F, UInt8(ascii: "X")][
                Int.random(in: 0..<8, using: &random)]
            let got = split(body, boundary: boundary, chunks: chunking(&random))
            // Where multipart-kit would trap on a header name's byte over 127 (bytes of a
            // file read as headers after the damage), the splitter refuses the body.
            var guardian = MultipartGuard(boundary: boundary)
            guard body.withUnsafeBytes({ guardian.accept($0) }) else {
                refused += 1
                #expect(got.threw, "seed \(seed): a header name multipart-kit would trap on")
                continue
            }
            let expected = reference(body, boundary: boundary)
            if !got.threw && got.complete {
                compared += 1
                #expect(!expected.threw, "seed \(seed): the splitter accepted what multipart-kit refuses")
                #expect(got.events == expected.events, "seed \(seed)")
            }
            if expected.threw {
                refused += 1
                #expect(got.threw || !got.complete, "seed \(seed): multipart-kit refuses, the splitter accepted")
            }
        }
        #expect(refused > 30, "the damage breaks some forms")
        #expect(compared > 800, "and most are read and compared")
    }

    @Test func headerLinesOverTheLimitAreRefusedWithoutHoldingThem() {
        let long = Array("--XyZ\r\nContent-Disposition: form-data; name=\"".utf8) + Array(repeating: UInt8(ascii: "a"), count: 10_000)
        for chunks in [[1], [100], [65536]] {
            let got = split(long, boundary: "XyZ", chunks: chunks, headerLimit: 8192)
            #expect(got.threw, "chunks \(chunks)")
        }
        var splitter = MultipartSplitter(boundary: "XyZ", headerLimit: 64)
        let many = Array("--XyZ\r\n".utf8) + Array(repeating: Array("A: b\r\n".utf8), count: 20).flatMap { $0 }
        #expect(throws: MultipartSplitter.Failure.headersTooLarge) {
            try many.withUnsafeBytes { try splitter.feed($0, into: Recorder()) }
        }
    }

    @Test func aHeaderNameThatIsNoTokenIsRefused() {
        for name in ["Conte nt", "Cont\u{0105}nt", "", "A\u{7F}"] {
            let body = Array("--XyZ\r\n\(name): x\r\n\r\nbody\r\n--XyZ--".utf8)
            #expect(split(body, boundary: "XyZ", chunks: [3]).threw, "\(name)")
        }
    }

    @Test func aBodyCutShortIsNotComplete() {
        let whole = Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--XyZ--".utf8)
        for end in 0..<whole.count {
            let got = split(Array(whole[..<end]), boundary: "XyZ", chunks: [5])
            #expect(!got.complete, "cut at \(end)")
        }
        #expect(split(whole, boundary: "XyZ", chunks: [5]).complete)
    }
}
