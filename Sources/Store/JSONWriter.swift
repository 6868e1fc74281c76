import Foundation
import Protection

/// JSON appended byte by byte to one buffer: what the shop API answers with, without
/// JSONEncoder's boxing and key sorting, which dominated a 100-row case list.
///
/// Strings are escaped as RFC 8259 asks and as JSONEncoder did: `"` and `\`, the short
/// escapes `\b \t \n \f \r`, the other controls below U+0020 as `\u00xx`; everything
/// else (DEL, U+2028, all of non-ASCII UTF-8) as it is. Commas are the writer's business:
/// callers only open, name, write and close. Keys are written in the order they are given.
///
/// The bytes go into a `ByteOutput` (an API list of 100 cases is ten thousand appends; an
/// array's generic append was an eighth of the answer), so the writer cannot be copied.
package struct JSONWriter: ~Copyable {
    private var out: ByteOutput
    /// Whether the next value or key follows another in the same object or array.
    private var needsComma = false

    package init(capacity: Int = 256) {
        out = ByteOutput(capacity: capacity)
    }

    /// The JSON written so far.
    package var bytes: [UInt8] { out.bytes }

    package mutating func beginObject() {
        open(UInt8(ascii: "{"))
    }

    package mutating func endObject() {
        close(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        open(UInt8(ascii: "["))
    }

    package mutating func endArray() {
        close(UInt8(ascii: "]"))
    }

    /// An object's key: the next value written is its value.
    /// A key of the product's own (`"opened_at"`), written as it is: escaping the same
    /// literal for every row was a tenth of a 100-row case list. Inlined, so each key is
    /// a copy of constant length (called, the key and its comma were an eighth of it).
    @inline(__always)
    package mutating func key(_ name: StaticString) {
        separate()
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { name in
            assert(name.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }, "a key that needs escaping")
            out.append(name)
        }
        out.literal("\":")
        needsComma = false
    }

    /// A key made at run time, escaped as any string.
    package mutating func key(text name: String) {
        string(name)
        out.append(UInt8(ascii: ":"))
        needsComma = false
    }

    package mutating func string(_ value: String) {
        // A native String is read where it lies (copying it for `withUTF8` cost a
        // reference count each way).
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { string(utf8: $0) }
        if done == nil {
            var value = value
            value.withUTF8 { string(utf8: $0) }
        }
    }

    /// A string, or `null` for nil.
    package mutating func string(_ value: String?) {
        if let value { string(value) } else { null() }
    }

    package mutating func string(_ value: InlineText?) {
        if let value { value.withUTF8 { string(utf8: $0) } } else { null() }
    }

    /// A string from its UTF-8 bytes, quoted and escaped.
    mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        separate()
        out.append(UInt8(ascii: "\""))
        Self.appendEscaped(utf8, to: &out)
        out.append(UInt8(ascii: "\""))
        needsComma = true
    }

    package mutating func integer(_ value: Int) {
        separate()
        out.decimal(value)
        needsComma = true
    }

    package mutating func bool(_ value: Bool) {
        separate()
        out.literal(value ? "true" : "false")
        needsComma = true
    }

    @inline(__always)
    package mutating func null() {
        separate()
        out.literal("null")
        needsComma = true
    }

    /// `"name":value`, the common case of a key and a string (or `null`).
    package mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        string(value)
    }

    package mutating func field(_ name: StaticString, _ value: InlineText?) {
        key(name)
        string(value)
    }

    /// `"name":"2026-11-25T10:30:00Z"` (ISO 8601, UTC), or `null`, written in place.
    package mutating func field(_ name: StaticString, date: Date?) {
        key(name)
        guard let date else { return null() }
        separate()
        var quoted = ScratchBytes()
        quoted.append(UInt8(ascii: "\""))
        Protection.ISO8601.write(date, to: &quoted)
        quoted.append(UInt8(ascii: "\""))
        out.append(quoted)
        needsComma = true
    }

    /// `"name":"2026-11-25T10:30:00Z"` from text already in that form, or `null`. The
    /// text is digits, `-`, `:`, `T` and `Z` (`APITime` makes nothing else), so it is
    /// copied as it is: looking for bytes to escape in three dates a line was a twentieth
    /// of a case list.
    package mutating func field(_ name: StaticString, time: APITime?) {
        key(name)
        guard let time else { return null() }
        separate()
        out.append(UInt8(ascii: "\""))
        time.text.withUTF8 { out.append($0) }
        out.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// `"2026-11-25T10:30:00Z"` from a stored date's text that `StoredDate.hasISOForm`
    /// accepts, written in place: `isoText` made into an `APITime` first was a tenth of a
    /// case list (callgrind).
    mutating func storedTime(_ stored: UnsafeBufferPointer<UInt8>) {
        precondition(stored.count >= 19, "not a stored date")
        separate()
        let at = out.room(22)
        at.initialize(to: UInt8(ascii: "\""))
        (at + 1).initialize(from: stored.baseAddress!, count: 19)
        at[11] = UInt8(ascii: "T")
        (at + 20).initialize(to: UInt8(ascii: "Z"))
        (at + 21).initialize(to: UInt8(ascii: "\""))
        out.advance(by: 22)
        needsComma = true
    }

    package mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        integer(value)
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        out.append(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        out.append(bracket)
        needsComma = true
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { out.append(UInt8(ascii: ",")) }
    }

    /// Copies runs of bytes that need no escape in one go, skipping eight bytes at a time
    /// while none of them needs one (most text has none).
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout ByteOutput) {
        guard let base = utf8.baseAddress else { return }
        var runStart = 0
        var index = 0
        while index < utf8.count {
            while index + 8 <= utf8.count, !mayNeedEscaping(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
            }
            guard index < utf8.count else { break }
            let byte = utf8[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            out.append(UnsafeBufferPointer(rebasing: utf8[runStart..<index - 1]))
            runStart = index
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            default:
                out.literal("u00")
                let low = byte & 0xF
                out.append(UInt8(ascii: "0") + (byte >> 4))
                out.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + (low - 10))
            }
        }
        out.append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
    }

    /// Whether any of a word's eight bytes is a control character, `"` or `\`.
    @inline(__always)
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        ByteWords.bytes(below: 0x20, in: word) | ByteWords.bytes(UInt8(ascii: "\""), in: word)
            | ByteWords.bytes(UInt8(ascii: "\\"), in: word) != 0
    }
}
