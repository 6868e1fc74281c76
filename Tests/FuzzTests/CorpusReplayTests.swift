import Foundation
import FuzzHarnesses
import Testing

/// `make test` replays the committed fuzzing corpus (Fuzz/corpus/NAME/*) through the same
/// harnesses libFuzzer drives: every input that once found a crash stays fixed.
@Suite struct CorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus").path

    @Test(arguments: Harnesses.names)
    func theCorpusReplaysWithoutACrash(name: String) throws {
        let directory = Self.corpus + "/" + name
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(!files.isEmpty, "a seed corpus for \(name)")
        for file in files.sorted() {
            Harnesses.run(name, Array(FileManager.default.contents(atPath: directory + "/" + file) ?? Data()))
        }
        if name == "multipart" { Harnesses.removeUploads() }
    }
}
