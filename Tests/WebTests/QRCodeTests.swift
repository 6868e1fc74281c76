import Foundation
import Testing

@testable import Rendering

/// The QR encoder is checked by a decoder that knows nothing of it: every symbol is
/// drawn as an image and read back with zbar's `zbarimg` (a test package of `make test`).
@Suite struct QRCodeTests {
    static let zbarimg = "/usr/bin/zbarimg"

    /// The encoder picks the smallest version that fits, so the longest text of each
    /// version forces that version: every version and level, every capacity table entry.
    static let fullest: [(QRCode.Correction, Int)] = QRCode.Correction.allCases.flatMap { level in
        (1...40).map { (level, $0) }
    }

    static func capacity(_ version: Int, _ level: QRCode.Correction) -> Int {
        (QRCode.dataCodewords(version, level) * 8 - 4 - (version <= 9 ? 8 : 16)) / 8
    }

    static func text(_ count: Int, seed: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?=&%")
        return String((0..<count).map { alphabet[($0 * 7 + seed * 13 + $0 / 5) % alphabet.count] })
    }

    @Test(arguments: [QRCode.Correction.low, .medium, .quartile, .high])
    func everyVersionOfEveryLevelDecodesToItsText(level: QRCode.Correction) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.zbarimg), "zbar-tools is a test package of make test")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for version in 1...40 {
            let text = Self.text(Self.capacity(version, level), seed: version)
            let code = try QRCode(bytes: Array(text.utf8), correction: level)
            #expect(code.version == version)
            #expect(code.size == version * 4 + 17)
            let decoded = try Self.decode(code, in: folder, name: "v\(version)")
            #expect(decoded == text, "version \(version) level \(level)")
        }
    }

    @Test func oneByteMoreMovesUpAVersionAndTooMuchIsRefused() throws {
        let fits = Self.capacity(3, .medium)
        #expect(try QRCode(bytes: Array(repeating: 65, count: fits), correction: .medium).version == 3)
        #expect(try QRCode(bytes: Array(repeating: 65, count: fits + 1), correction: .medium).version == 4)
        #expect(throws: QRCode.TooLong.self) { try QRCode(bytes: Array(repeating: 65, count: 2_400), correction: .medium) }
    }

    /// What `/settings/two-step` draws: an otpauth address with UTF-8 and percent signs.
    @Test func anAuthenticatorAddressAndUnicodeTextDecode() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.zbarimg))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for text in [
            "otpauth://totp/Buyer%20Protection%20%28bp.example%29:agent@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
                + "&issuer=Buyer%20Protection%20%28bp.example%29&algorithm=SHA1&digits=6&period=30",
            "zażółć gęślą jaźń", "a",
        ] {
            #expect(try Self.decode(QRCode(bytes: Array(text.utf8)), in: folder, name: "t") == text)
        }
    }

    /// The SVG path draws exactly the dark modules, shifted by the quiet zone.
    @Test func theSVGPathDrawsEveryDarkModuleAndNoOther() throws {
        let code = try QRCode(bytes: Array("otpauth://totp/x:y?secret=ABC".utf8))
        var drawn = Array(repeating: false, count: code.svgSide * code.svgSide)
        let scanner = Scanner(string: code.svgPath)
        scanner.charactersToBeSkipped = nil
        while !scanner.isAtEnd {
            #expect(scanner.scanString("M") != nil)
            let x = scanner.scanInt()!
            _ = scanner.scanString(",")
            let y = scanner.scanInt()!
            _ = scanner.scanString("h")
            let run = scanner.scanInt()!
            #expect(scanner.scanString("v1h-\(run)z") != nil)
            for i in 0..<run { drawn[y * code.svgSide + x + i] = true }
        }
        for y in 0..<code.svgSide {
            for x in 0..<code.svgSide {
                let inside = (4..<(code.size + 4)).contains(x) && (4..<(code.size + 4)).contains(y)
                #expect(drawn[y * code.svgSide + x] == (inside && code.isDark(x - 4, y - 4)))
            }
        }
    }

    @Test func reedSolomonMatchesTheStandardsExample() {
        // ISO/IEC 18004 Annex I: "01234567" as 1-M, data codewords and their 10 EC codewords.
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(
            ReedSolomon.remainder(data, divisor: ReedSolomon.divisor(degree: 10))
                == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    /// Draws the symbol as a binary PGM, 3 pixels a module with the quiet zone, and reads it.
    static func decode(_ code: QRCode, in folder: String, name: String) throws -> String? {
        let scale = 3
        let side = code.svgSide * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x, y) {
                for dy in 0..<scale {
                    for dx in 0..<scale { pixels[((y + 4) * scale + dy) * side + (x + 4) * scale + dx] = 0 }
                }
            }
        }
        let path = folder + "/\(name).pgm"
        try (Data("P5\n\(side) \(side)\n255\n".utf8) + Data(pixels)).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zbarimg)
        process.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Sbinary", path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
