/// Where a streamed response body goes (`HTTPResponse.stream`): bytes gathered into
/// 64 KB pieces, each sent to nginx as FastCGI records with one write.
public final class BodyWriter {
    private let records: StdoutRecords
    private var pending: [UInt8] = []
    private static let pieceSize = 64 * 1024
    /// Bytes handed on so far.
    public private(set) var written = 0

    init(records: StdoutRecords) {
        self.records = records
        pending.reserveCapacity(Self.pieceSize)
    }

    public func write(_ bytes: [UInt8]) throws {
        pending += bytes
        if pending.count >= Self.pieceSize { try flush() }
    }

    public func flush() throws {
        guard !pending.isEmpty else { return }
        try records.write(pending)
        written += pending.count
        pending.removeAll(keepingCapacity: true)
    }
}
