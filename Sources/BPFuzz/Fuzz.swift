import Foundation
import FuzzHarnesses

// Built with -D FUZZING and -sanitize=fuzzer,address by `make fuzz`, this is a libFuzzer
// target; the harness comes from BP_FUZZ_TARGET. Built normally, it replays corpus
// files: `bp-fuzz NAME FILE_OR_DIRECTORY...`.
#if FUZZING
nonisolated(unsafe) let harness = ProcessInfo.processInfo.environment["BP_FUZZ_TARGET"] ?? "urlencoded"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    Harnesses.run(harness, Array(UnsafeRawBufferPointer(start: start, count: count)))
    return 0
}
#else
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, Harnesses.names.contains(name) else {
            FileHandle.standardError.write(Data("usage: bp-fuzz \(Harnesses.names.joined(separator: "|")) FILE_OR_DIR...\n".utf8))
            exit(2)
        }
        var count = 0
        for path in arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 } : [path]
            for file in files {
                Harnesses.run(name, Array(FileManager.default.contents(atPath: file) ?? Data()))
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed")
    }
}
#endif
