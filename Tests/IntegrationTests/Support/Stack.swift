import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private copy of the whole product for one test: a temporary data folder, `bp serve`
/// on its own socket and nginx on a free port, configured by the same scripts `make run`
/// uses. `stop()` ends both processes and removes the folder.
final class Stack: @unchecked Sendable {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    static var bp: String {
        if let path = ProcessInfo.processInfo.environment["BP_BIN"] { return path }
        return root + "/.build/debug/bp"
    }

    let data: String
    let port: Int
    let environment: [String: String]
    private var serve: Process?
    private var nginx: Process?
    private var stopped = false

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var mailbox: Mailbox { Mailbox(directory: data + "/mail") }

    init(environment extra: [String: String] = [:]) throws {
        var template = Array("/tmp/bp-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HTTPFailure(description: "mkdtemp failed") }
        data = String(cString: made)
        port = try Stack.freePort()
        var env = ProcessInfo.processInfo.environment
        env["BP_DATA_DIR"] = data
        env["BP_PORT"] = String(port)
        env["BP_BASE_URL"] = "http://127.0.0.1:\(port)"
        env["BP_ROOT"] = Stack.root
        env["BP_THREADS"] = "4"
        env["BP_LOG_LEVEL"] = "warning"
        // Most suites sign agents in with a password alone; TwoStepTests runs with the
        // product's default (`agents`) and sets two-step sign-in up through the pages.
        env["BP_REQUIRE_2FA"] = "none"
        for (k, v) in extra { env[k] = v }
        environment = env
        do {
            let migrated = try run(["migrate"])
            guard migrated.status == 0 else { throw HTTPFailure(description: "bp migrate: \(migrated.stderr)") }
            let conf = try Stack.capture("/bin/sh", [Stack.root + "/scripts/nginx-conf", String(port), data, Stack.root], env: env)
            guard conf.status == 0 else { throw HTTPFailure(description: "nginx-conf: \(conf.stderr)") }
            try startServe()
            let nginx = Process()
            nginx.executableURL = URL(fileURLWithPath: Stack.which("nginx"))
            nginx.arguments = ["-p", data + "/nginx", "-c", data + "/nginx/nginx.conf", "-g", "daemon off;"]
            nginx.standardOutput = FileHandle.nullDevice
            nginx.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try nginx.run()
            self.nginx = nginx
            try waitUntil("nginx on port \(port)") { Stack.accepts(port: self.port) }
        } catch {
            stop()
            throw error
        }
    }

    /// How a `bp` command is started. Under libfaketime (`LD_PRELOAD`) it goes through
    /// `/usr/bin/env`: libfaketime's first load sets an environment variable in the
    /// process, which moves `environ` and loses a Swift program's arguments; loaded by a C
    /// program first, the variable is already there when `bp` starts.
    func launch(_ arguments: [String]) -> (executable: String, arguments: [String]) {
        environment["LD_PRELOAD"] == nil ? (Stack.bp, arguments) : ("/usr/bin/env", [Stack.bp] + arguments)
    }

    func startServe() throws {
        let serve = Process()
        let (executable, arguments) = launch(["serve"])
        serve.executableURL = URL(fileURLWithPath: executable)
        serve.arguments = arguments
        serve.environment = environment
        serve.standardOutput = FileHandle.nullDevice
        let log = data + "/serve.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        serve.standardError = FileHandle(forWritingAtPath: log)
        try serve.run()
        self.serve = serve
        try waitUntil("bp serve socket") { FileManager.default.fileExists(atPath: self.data + "/run/bp.sock") }
    }

    /// Sends SIGTERM to `bp serve` and waits for it to exit; returns its exit status.
    func stopServe() -> Int32 {
        guard let serve, serve.isRunning else { return serve?.terminationStatus ?? 0 }
        serve.terminate()
        serve.waitUntilExit()
        return serve.terminationStatus
    }

    var servePID: Int32 { serve?.processIdentifier ?? 0 }

    /// Kills `bp serve` without warning (SIGKILL), as a crash would.
    func killServe() {
        guard let serve, serve.isRunning else { return }
        kill(serve.processIdentifier, SIGKILL)
        serve.waitUntilExit()
    }

    /// Starts `bp serve` again after a crash, as `make run` does.
    func restartServe() throws {
        killServe()
        try? FileManager.default.removeItem(atPath: data + "/run/bp.sock")
        try startServe()
    }

    /// Starts a `bp worker` on this stack; the caller stops it.
    func startWorker(interval: Int = 1) throws -> Process {
        let worker = Process()
        let (executable, arguments) = launch(["worker"])
        worker.executableURL = URL(fileURLWithPath: executable)
        worker.arguments = arguments
        var env = environment
        env["BP_WORKER_INTERVAL"] = String(interval)
        worker.environment = env
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        return worker
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        if let serve, serve.isRunning { serve.terminate(); serve.waitUntilExit() }
        if let nginx, nginx.isRunning {
            kill(nginx.processIdentifier, SIGQUIT)
            nginx.waitUntilExit()
        }
        if ProcessInfo.processInfo.environment["BP_KEEP_TEST_DATA"] == nil {
            try? FileManager.default.removeItem(atPath: data)
        }
    }

    deinit { stop() }

    func browser() -> Browser { Browser(port: port) }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs a `bp` command against this stack's data folder.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> Output {
        let (executable, arguments) = launch(arguments)
        return try Stack.capture(executable, arguments, env: environment, stdin: stdin)
    }

    /// `bp tick --at TIME`.
    @discardableResult
    func tick(at date: Date) throws -> Output {
        let formatter = ISO8601DateFormatter()
        let output = try run(["tick", "--at", formatter.string(from: date)])
        guard output.status == 0 else { throw HTTPFailure(description: "bp tick exited \(output.status): \(output.stderr.suffix(2000))") }
        return output
    }

    /// Delivers the mail waiting now.
    func deliverMail() throws { try tick(at: Date() + 2) }

    static func capture(_ executable: String, _ arguments: [String], env: [String: String], stdin: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func which(_ name: String) -> String {
        for dir in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        return name
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { ptr -> Int32 in
                guard bind(fd, ptr, length) == 0 else { return -1 }
                return getsockname(fd, ptr, &length)
            }
        }
        guard bound == 0 else { throw HTTPFailure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    func waitUntil(_ what: String, timeout: TimeInterval = 20, _ condition: () -> Bool) throws {
        let deadline = Date() + timeout
        while Date() < deadline {
            if condition() { return }
            usleep(20_000)
        }
        throw HTTPFailure(description: "timed out waiting for \(what)")
    }
}
