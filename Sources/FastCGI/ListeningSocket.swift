import Foundation

#if canImport(Glibc)
    import Glibc
#endif

public enum ListeningSocketError: Error, CustomStringConvertible {
    case pathTooLong(String)
    case inUse(String)
    case system(String, Int32)

    public var description: String {
        switch self {
        case .pathTooLong(let p): "socket path is too long for a unix socket: \(p)"
        case .inUse(let p): "another process is already serving on \(p)"
        case .system(let what, let code): "\(what): \(String(cString: strerror(code)))"
        }
    }
}

/// Creates the unix socket nginx connects to. We bind it ourselves instead of calling
/// `FCGX_OpenSocket`, which silently unlinks a live socket (a second instance would steal
/// the first one's traffic) and calls `exit()` when bind fails.
enum ListeningSocket {
    static func open(path: String, backlog: Int32 = 128) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw ListeningSocketError.pathTooLong(path) }

        if FileManager.default.fileExists(atPath: path) {
            if isAlive(path: path) { throw ListeningSocketError.inUse(path) }
            unlink(path)  // a stale socket left by a process that died
        }

        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ListeningSocketError.system("socket", errno) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw ListeningSocketError.system("bind \(path)", code)
        }
        // nginx workers may run as another user: let them connect.
        chmod(path, 0o666)
        guard listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw ListeningSocketError.system("listen \(path)", code)
        }
        return fd
    }

    /// Whether something accepts connections on the socket at `path`.
    static func isAlive(path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        guard path.utf8.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return rc == 0
    }
}
