import Protection

/// A file that arrived with a request and waits, complete and checked, in the upload
/// folder: its type detected from its first bytes, its SHA-256 computed as it streamed.
public struct Upload: Sendable, Equatable {
    public let temporaryPath: String
    public let name: String
    public let contentType: String
    public let size: Int64
    public let sha256: String

    public init(temporaryPath: String, name: String, contentType: String, size: Int64, sha256: String) {
        self.temporaryPath = temporaryPath
        self.name = name
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }
}
