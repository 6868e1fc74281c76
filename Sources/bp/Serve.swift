import ArgumentParser
import FastCGI
import Foundation
import Logging
import Web

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the FastCGI responder (socket $BP_DATA_DIR/run/bp.sock, $BP_THREADS threads).")

    @Option(help: "The unix socket to listen on.")
    var socket: String?

    func run() throws {
        MallocTuning.restartWithLargerCache()
        FastCGIServer.keepFreedMemory()
        let app = try Setup.app()
        let server = FastCGIServer(
            socketPath: socket ?? app.config.socketPath, threadCount: app.config.threads,
            responder: WebApp(app: app), logger: Logger(label: "bp.serve"))
        do {
            try server.runUntilStopped()
        } catch {
            Setup.fail("\(error)")
        }
    }
}
