import CFastCGI

/// Where a streamed response body goes (`HTTPResponse.stream`): bytes gathered into
/// 64 KB pieces and handed to libfcgi, which sends them to nginx as they fill.
public final class BodyWriter {
    public struct ClientGone: Error, CustomStringConvertible {
        public var description: String { "the connection to nginx failed while the body was written" }
    }

    private let output: UnsafeMutablePointer<FCGX_Stream>
    private var pending: [UInt8] = []
    private static let pieceSize = 64 * 1024
    /// Bytes handed on so far.
    public private(set) var written = 0

    init(output: UnsafeMutablePointer<FCGX_Stream>) {
        self.output = output
        pending.reserveCapacity(Self.pieceSize)
    }

    public func write(_ bytes: [UInt8]) throws {
        pending += bytes
        if pending.count >= Self.pieceSize { try flush() }
    }

    public func flush() throws {
        guard !pending.isEmpty else { return }
        let sent = pending.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { FCGX_PutStr($0.baseAddress, Int32($0.count), output) }
        }
        guard sent == pending.count else { throw ClientGone() }
        written += pending.count
        pending.removeAll(keepingCapacity: true)
    }
}
