/// CSV as RFC 4180 writes it and spreadsheet programs read it: UTF-8 with a byte-order
/// mark (so Excel does not guess a code page), CRLF after every record, a field quoted
/// when it holds a quote, comma, CR or LF, quotes doubled inside.
///
/// A text cell that starts with `=`, `+`, `-`, `@`, a tab or a CR is prefixed with `'`
/// (OWASP's advice against CSV injection): a spreadsheet would otherwise run it as a
/// formula. Customers and shops type the order numbers, emails and names that land here.
public struct CSVWriter {
    public private(set) var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    public init() {}

    /// One record.
    public mutating func record(_ fields: [String?]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if let field { append(field) }
        }
        bytes += [0x0D, 0x0A]
    }

    /// Hands over what was written so far and starts empty (for streaming).
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    private mutating func append(_ field: String) {
        let utf8 = field.utf8
        let neutralise = utf8.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } ?? false
        let quote = neutralise || utf8.contains { $0 == 0x22 || $0 == 0x2C || $0 == 0x0D || $0 == 0x0A }
        if quote { bytes.append(0x22) }
        if neutralise { bytes.append(UInt8(ascii: "'")) }
        for byte in utf8 {
            if byte == 0x22 { bytes.append(0x22) }
            bytes.append(byte)
        }
        if quote { bytes.append(0x22) }
    }
}
