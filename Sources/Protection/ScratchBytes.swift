/// A few dozen bytes composed on the stack, then handed on at once (to a page's buffer or
/// an array). A date or an amount is a dozen bytes; appending them to the page one by one
/// checked the array's uniqueness and capacity for each, and made formatting a tenth of a
/// list page.
package struct ScratchBytes {
    /// 64 bytes: the longest amount (a sign, 19 digits with six two-byte group separators,
    /// a currency code on each side) is under 50.
    @usableFromInline var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline var count = 0
    @inlinable static var capacity: Int { 64 }

    @inlinable
    package init() {}

    @inlinable @inline(__always)
    package mutating func append(_ byte: UInt8) {
        precondition(count < Self.capacity, "scratch bytes overflow")
        let index = count
        withUnsafeMutableBytes(of: &storage) { $0[index] = byte }
        count += 1
    }

    package mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(count + bytes.count <= Self.capacity, "scratch bytes overflow")
        let start = count
        withUnsafeMutableBytes(of: &storage) {
            UnsafeMutableRawBufferPointer(rebasing: $0[start...]).copyMemory(from: UnsafeRawBufferPointer(bytes))
        }
        count += bytes.count
    }

    package mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    package mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// `n` (not negative) as decimal digits, 0-padded to at least `width`.
    package mutating func append(digitsOf n: Int, width: Int = 1) {
        precondition(n >= 0, "negative digits")
        append(digitsOf: UInt(n), width: width)
    }

    package mutating func append(digitsOf n: UInt, width: Int = 1) {
        if n < 100 && width <= 2 {
            // Days, months, hours and minutes: most of what is written.
            if n >= 10 || width == 2 { append(UInt8(truncatingIfNeeded: 48 + n / 10)) }
            append(UInt8(truncatingIfNeeded: 48 + n % 10))
            return
        }
        if n >= 1000 && n < 10_000 && width <= 4 {
            // A year.
            append(UInt8(truncatingIfNeeded: 48 + n / 1000))
            append(UInt8(truncatingIfNeeded: 48 + n / 100 % 10))
            append(UInt8(truncatingIfNeeded: 48 + n / 10 % 10))
            append(UInt8(truncatingIfNeeded: 48 + n % 10))
            return
        }
        var length = 1
        var rest = n / 10
        while rest > 0 {
            length += 1
            rest /= 10
        }
        length = max(length, width)
        precondition(count + length <= Self.capacity, "scratch bytes overflow")
        let start = count
        let end = start + length
        var value = n
        withUnsafeMutableBytes(of: &storage) { buffer in
            var index = end
            while index > start {
                index -= 1
                buffer[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
                value /= 10
            }
        }
        count = end
    }

    /// The bytes composed so far.
    @inlinable
    package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let count = count
        return withUnsafeBytes(of: storage) { body(UnsafeBufferPointer(rebasing: $0.bindMemory(to: UInt8.self)[..<count])) }
    }

    @inlinable
    package func append(to out: inout [UInt8]) {
        withBytes { out.append(contentsOf: $0) }
    }
}
