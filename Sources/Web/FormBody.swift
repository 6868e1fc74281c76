import Crypto
import FastCGI
import Foundation
import Operations
import Store

/// A submitted form: its text fields and its files. Files stream to the upload folder
/// as they arrive (memory does not grow with their size), hashed and type-checked on
/// the way; what is not adopted into the document store is deleted when the request ends.
package final class FormBody {
    package private(set) var fields: [String: [String]] = [:]
    package private(set) var uploads: [Upload] = []
    /// Files refused one by one (a type we do not take, an empty file): the form is
    /// shown again with these beside its file input.
    package private(set) var fileErrors: [(key: String, name: String)] = []
    private var temporaryFiles: [String] = []

    func value(_ name: String) -> String? { fields[name]?.first }
    func text(_ name: String) -> String { fields[name]?.first ?? "" }
    func values(_ name: String) -> [String] { fields[name] ?? [] }

    /// Removes upload files that were not moved into the document store.
    package func cleanUp() {
        for path in temporaryFiles { unlink(path) }
        temporaryFiles = []
    }

    deinit { cleanUp() }

    package enum Failure: Error {
        /// The body breaks the format (400).
        case malformed(String)
        /// A limit was passed (413): the message key says which.
        case tooLarge(key: String, args: [String: String])
    }

    package struct Limits {
        var fieldBytes: Int
        var fields: Int
        var fileBytes: Int
        var files: Int
        var requestBytes: Int
        var headerBytes = 8 * 1024
        var parts: Int { fields + files + 8 }

        package init(fieldBytes: Int, fields: Int, fileBytes: Int, files: Int, requestBytes: Int) {
            self.fieldBytes = fieldBytes
            self.fields = fields
            self.fileBytes = fileBytes
            self.files = files
            self.requestBytes = requestBytes
        }
    }

    /// Reads a POST body of either form encoding. Always reads the body to its end, so
    /// nginx is never left writing into a connection we stopped reading.
    package static func read(_ request: HTTPRequest, limits: Limits, uploadDirectory: String) throws(Failure) -> FormBody {
        let form = FormBody()
        let type = request.contentType ?? ""
        if let length = request.contentLength, length > limits.requestBytes {
            drain(request.body)
            throw .tooLarge(key: "error_request_too_large", args: ["mb": String(limits.requestBytes / 1_048_576)])
        }
        do {
            if type.lowercased().hasPrefix("multipart/form-data") {
                guard let boundary = MultipartHeaders.boundary(fromContentType: type) else { throw Failure.malformed("no boundary") }
                try MultipartReader(form: form, boundary: boundary, limits: limits, directory: uploadDirectory).read(request.body)
            } else {
                let bytes: [UInt8]
                do { bytes = try request.body.readAll(limit: limits.fieldBytes * 4) } catch {
                    throw Failure.tooLarge(key: "error_request_too_large", args: ["mb": String(limits.requestBytes / 1_048_576)])
                }
                do { form.fields = try URLEncoded.parse(bytes, maxFields: limits.fields) } catch {
                    throw Failure.malformed("bad urlencoded body")
                }
            }
        } catch let failure as Failure {
            drain(request.body)
            form.cleanUp()
            throw failure
        } catch {
            drain(request.body)
            form.cleanUp()
            throw .malformed("\(error)")
        }
        return form
    }

    static func drain(_ body: RequestBody) {
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        while scratch.withUnsafeMutableBytes({ body.read(into: $0) }) > 0 {}
    }

    fileprivate func add(field name: String, value: String) { fields[name, default: []].append(value) }
    fileprivate func add(upload: Upload) { uploads.append(upload) }
    fileprivate func refuse(file name: String, key: String) { fileErrors.append((key, name)) }
    fileprivate func track(temporary path: String) { temporaryFiles.append(path) }
}

/// Feeds the body through `MultipartSplitter` and routes each part to a field buffer or
/// an upload file, enforcing every limit as bytes arrive.
private final class MultipartReader: MultipartSink {
    let form: FormBody
    var splitter: MultipartSplitter
    let limits: FormBody.Limits
    let directory: String

    var headers: [(String, String)] = []
    var partCount = 0
    var fieldCount = 0
    var fileCount = 0
    var total = 0
    var failure: FormBody.Failure?

    // The part being read.
    var name: String?
    var filename: String?
    var fieldBuffer: [UInt8] = []
    var file: FileSink?
    var inBody = false

    init(form: FormBody, boundary: String, limits: FormBody.Limits, directory: String) {
        self.form = form
        self.splitter = MultipartSplitter(boundary: boundary, headerLimit: limits.headerBytes)
        self.limits = limits
        self.directory = directory
    }

    func read(_ body: RequestBody) throws {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { body.read(into: $0) }
            if n == 0 { break }
            total += n
            if total > limits.requestBytes {
                fail(.tooLarge(key: "error_request_too_large", args: ["mb": String(limits.requestBytes / 1_048_576)]))
            }
            if failure == nil {
                do {
                    try chunk.withUnsafeBytes { bytes in
                        try splitter.feed(UnsafeRawBufferPointer(rebasing: bytes[0..<n]), into: self)
                    }
                } catch MultipartSplitter.Failure.headersTooLarge {
                    fail(.malformed("part headers too large"))
                } catch {
                    fail(.malformed("multipart syntax"))
                }
            }
            if let failure { throw failure }
        }
        if let failure { throw failure }
        // A body that ends before its closing boundary was cut short.
        if !splitter.isComplete {
            file?.discard()
            throw FormBody.Failure.malformed("truncated multipart body")
        }
    }

    func fail(_ reason: FormBody.Failure) {
        if failure == nil { failure = reason }
        file?.discard()
        file = nil
    }

    func header(_ name: String, _ value: String) {
        guard failure == nil else { return }
        if headers.isEmpty {
            partCount += 1
            if partCount > limits.parts { return fail(.tooLarge(key: "error_too_many_parts", args: [:])) }
        }
        headers.append((name, value))
    }

    func startPart() {
        inBody = true
        let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
        let parsed = MultipartHeaders.contentDisposition(disposition)
        guard let fieldName = parsed.name else { return fail(.malformed("part without a name")) }
        name = fieldName
        filename = parsed.filename
        if filename != nil {
            fileCount += 1
            if fileCount > limits.files + 1 {  // one empty file input is normal
                return fail(.tooLarge(key: "error_too_many_files", args: ["n": String(limits.files)]))
            }
            do { file = try FileSink(directory: directory) } catch { return fail(.malformed("cannot store upload")) }
            form.track(temporary: file!.path)
        } else {
            fieldCount += 1
            if fieldCount > limits.fields { return fail(.tooLarge(key: "error_too_many_fields", args: [:])) }
        }
    }

    func partComplete() { complete() }

    func body(_ buffer: UnsafeRawBufferPointer) {
        if !inBody { startPart() }
        guard failure == nil else { return }
        if let file {
            file.write(buffer)
            if file.sniffer.size > limits.fileBytes {
                fail(
                    .tooLarge(
                        key: "error_file_too_large",
                        args: [
                            "name": MultipartHeaders.sanitize(filename ?? ""),
                            "mb": String(limits.fileBytes / 1_048_576),
                        ]))
            } else if let error = file.error {
                fail(.malformed(error))
            }
        } else if filename == nil {
            if fieldBuffer.count + buffer.count > limits.fieldBytes {
                return fail(.tooLarge(key: "error_field_too_large", args: [:]))
            }
            fieldBuffer.append(contentsOf: buffer)
        }
    }

    func complete() {
        if !inBody { startPart() }
        defer {
            headers = []
            name = nil
            filename = nil
            fieldBuffer = []
            file = nil
            inBody = false
        }
        guard failure == nil, let name else { return }
        if let file {
            file.close()
            if let error = file.error { return fail(.malformed(error)) }
            let display = MultipartHeaders.sanitize(filename ?? "")
            if file.sniffer.size == 0 {
                file.discard()
                // An empty file input (no file chosen) sends an unnamed, empty part.
                if (filename ?? "").isEmpty { return }
                return form.refuse(file: display, key: "error_file_empty")
            }
            guard let kind = file.sniffer.finish() else {
                file.discard()
                return form.refuse(file: display, key: "error_file_type")
            }
            if form.uploads.count >= limits.files {
                return fail(.tooLarge(key: "error_too_many_files", args: ["n": String(limits.files)]))
            }
            form.add(
                upload: Upload(
                    temporaryPath: file.path, name: display, contentType: kind.rawValue,
                    size: Int64(file.sniffer.size), sha256: file.digest()))
        } else {
            guard let text = String(validating: fieldBuffer, as: UTF8.self) else { return fail(.malformed("field is not UTF-8")) }
            form.add(field: name, value: text)
        }
    }
}

/// An upload being written: bytes go to the type sniffer at once, and to the hash and
/// disk through a buffer of 256 KB (a write and a hash update per piece of a chunk cost
/// more in calls than in work).
private final class FileSink {
    let path: String
    private var fd: Int32
    private let hasher = BackgroundHasher()
    private var pending: [UInt8] = []
    private static let bufferSize = 256 * 1024
    var sniffer = ContentSniffer()
    var error: String?

    init(directory: String) throws {
        path = directory + "/" + Secrets.newID()
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        pending.reserveCapacity(Self.bufferSize)
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        guard fd >= 0, error == nil else { return }
        sniffer.feed(bytes)
        pending.append(contentsOf: bytes)
        if pending.count >= Self.bufferSize { flush() }
    }

    private func flush() {
        guard fd >= 0, error == nil, !pending.isEmpty else { return }
        // Hashed a buffer at a time (a SHA-256 update per small piece cost more in calls
        // than in hashing), on another thread while this one goes on reading.
        hasher.update(pending)
        pending.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 {
                    error = "cannot write upload: \(String(cString: strerror(errno)))"
                    return
                }
                offset += n
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }

    func discard() {
        pending.removeAll()
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
        unlink(path)
    }

    func digest() -> String { hasher.finish() }

    deinit { if fd >= 0 { Glibc.close(fd) } }
}

/// The SHA-256 of an upload, computed on a queue of its own while the request's thread
/// goes on reading the body and writing the file: hashing 50 MB took a third of an
/// upload's CPU, in series with the body's arrival. At most four buffers wait to be
/// hashed, so memory stays flat whatever the file's size.
private final class BackgroundHasher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "bp.upload-hash")
    private let slots = DispatchSemaphore(value: 4)
    /// Touched only on `queue`.
    private var hasher = SHA256()

    func update(_ bytes: [UInt8]) {
        slots.wait()
        queue.async {
            self.hasher.update(data: bytes)
            self.slots.signal()
        }
    }

    /// The digest in hex, once every buffer handed over is hashed.
    func finish() -> String {
        queue.sync { Secrets.hex(hasher.finalize()) }
    }
}
