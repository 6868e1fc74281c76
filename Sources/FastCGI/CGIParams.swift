import CFastCGI
import Foundation

/// The CGI parameters of one request ("REQUEST_URI", "HTTP_COOKIE", …), copied out of
/// libfcgi's memory in one piece (it frees them at `FCGX_Finish_r`) and found by name when
/// asked for.
///
/// A dictionary of Strings made two Strings and a hash for each of the thirty-odd
/// parameters nginx sends, though a page asks for about ten: 2–4 % of a page's
/// instructions (callgrind). Here the parameters are one byte array with the places of
/// their names and values, and a lookup compares the names' bytes.
public struct CGIParams: Sendable {
    /// "NAME=VALUE" after "NAME=VALUE", as libfcgi held them.
    private var bytes: [UInt8] = []
    /// Where each parameter's name ends (at its "=") and its value ends, in `bytes`; the
    /// name starts where the previous value ended.
    private var ends: [(name: Int, value: Int)] = []

    public init() {}

    /// Parameters from their "NAME=VALUE" C strings; one without "=" is left out.
    init(environment: FCGX_ParamArray?) {
        guard var cursor = environment else { return }
        bytes.reserveCapacity(2048)
        ends.reserveCapacity(40)
        while let entry = cursor.pointee {
            let length = strlen(entry)
            entry.withMemoryRebound(to: UInt8.self, capacity: length) { add(UnsafeBufferPointer(start: $0, count: length)) }
            cursor += 1
        }
    }

    private mutating func add(_ entry: UnsafeBufferPointer<UInt8>) {
        guard let eq = entry.firstIndex(of: UInt8(ascii: "=")) else { return }
        let start = bytes.count
        bytes.append(contentsOf: entry)
        ends.append((start + eq, start + entry.count))
    }

    /// The value of the parameter `name`; the last one should it come twice (as a
    /// dictionary filled in order kept it).
    public subscript(name: String) -> String? {
        var name = name
        return name.withUTF8 { wanted in
            bytes.withUnsafeBufferPointer { all in
                var found: Range<Int>?
                var start = 0
                for (nameEnd, valueEnd) in ends {
                    if nameEnd - start == wanted.count,
                        wanted.isEmpty || memcmp(all.baseAddress! + start, wanted.baseAddress!, wanted.count) == 0
                    {
                        found = (nameEnd + 1)..<valueEnd
                    }
                    start = valueEnd
                }
                return found.map { String(decoding: UnsafeBufferPointer(rebasing: all[$0]), as: UTF8.self) }
            }
        }
    }
}

extension CGIParams: ExpressibleByDictionaryLiteral {
    /// Parameters given by hand (tests, the fuzz harnesses).
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements {
            Array((name + "=" + value).utf8).withUnsafeBufferPointer { add($0) }
        }
    }
}
