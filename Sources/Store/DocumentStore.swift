import Foundation

/// Uploaded files on disk, content-addressed: `documents/ab/cd/abcd…` named by the
/// SHA-256 of the bytes, so the same content is stored once. Files are moved in (and
/// synced) before the database row that points to them commits; a file whose row never
/// committed is swept up later by `bp check --repair`.
public struct DocumentStore: Sendable {
    public let root: String
    /// Where uploads stream while the request is still being read.
    public let incoming: String

    public init(dataDirectory: String) {
        root = dataDirectory + "/documents"
        incoming = dataDirectory + "/tmp/uploads"
    }

    public func prepare() throws {
        try DurableFiles.createDirectories(atPath: root)
        try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
    }

    /// The path of a stored file relative to the store's root, as nginx's internal location sees it.
    public static func relativePath(sha256: String) -> String {
        let chars = Array(sha256)
        return "\(String(chars[0..<2]))/\(String(chars[2..<4]))/\(sha256)"
    }

    public func path(sha256: String) -> String { root + "/" + Self.relativePath(sha256: sha256) }

    /// Moves a finished upload into the store under its hash, durably (see `DurableFiles`):
    /// the file's bytes, its new name and any new folder are on disk when this returns, so
    /// the transaction that then commits a row pointing at it cannot outlive the file.
    /// When the content is already there, the upload is simply removed.
    public func adopt(temporaryFile: String, sha256: String) throws {
        let target = path(sha256: sha256)
        let folder = (target as NSString).deletingLastPathComponent
        let fm = FileManager.default
        if fm.fileExists(atPath: target) {
            try? fm.removeItem(atPath: temporaryFile)
            // Another request may have renamed it in a moment ago and not yet synced the
            // folder: sync it here too before our row can commit.
            try DurableFiles.syncDirectory(atPath: folder)
            return
        }
        try DurableFiles.createDirectories(atPath: folder)
        chmod(temporaryFile, 0o644)
        do {
            try DurableFiles.moveSynced(temporaryFile, to: target)
        } catch {
            // Another request stored the same content meanwhile: keep theirs.
            guard fm.fileExists(atPath: target) else { throw error }
            try? fm.removeItem(atPath: temporaryFile)
            try DurableFiles.syncDirectory(atPath: folder)
        }
    }

    public func exists(sha256: String) -> Bool { FileManager.default.fileExists(atPath: path(sha256: sha256)) }
}
