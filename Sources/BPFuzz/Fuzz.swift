import Foundation
import FuzzHarnesses

// Built with -D FUZZING and -sanitize=fuzzer,address by `make fuzz`, this is a libFuzzer
// target; the harness comes from BP_FUZZ_TARGET. Built normally, it replays corpus
// files: `bp-fuzz NAME FILE_OR_DIRECTORY...`.
#if FUZZING
    nonisolated(unsafe) let harness = ProcessInfo.processInfo.environment["BP_FUZZ_TARGET"] ?? "urlencoded"

    typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// libFuzzer's entry for programs that bring their own main (SwiftPM names an executable's
    /// entry point `<Target>_main`, so libFuzzer's own `main` cannot be used).
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // The C symbol's own name.
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: FuzzCallback
    ) -> CInt

    /// The input callback under the name libFuzzer's own main looks for (its archive member
    /// gets linked in too).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        Harnesses.run(harness, data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }

    @_cdecl("BPFuzz_main")
    func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data, size) }
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
                let files =
                    isDirectory.boolValue
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
