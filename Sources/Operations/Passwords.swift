import Crypto
import CryptoExtras
import Foundation
import Store

/// Passwords of merchants and agents: scrypt (N=2^15, r=8, p=1) with a random salt per
/// user, stored as `scrypt$N$r$p$salt$hash` (base64).
public enum Passwords {
    public static let minimumLength = 12

    public static func hash(_ password: String, rounds: Int = 1 << 15) throws -> String {
        let salt = Secrets.randomBytes(16)
        let key = try derive(password, salt: salt, rounds: rounds, blockSize: 8, parallelism: 1)
        return "scrypt$\(rounds)$8$1$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Compares in constant time; a malformed hash never matches.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let rounds = Int(parts[1]), let blockSize = Int(parts[2]),
            let parallelism = Int(parts[3]), let salt = Data(base64Encoded: parts[4]),
            let expected = Data(base64Encoded: parts[5]), rounds <= 1 << 20,
            let actual = try? derive(password, salt: Array(salt), rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        return constantTimeEqual(actual, Array(expected))
    }

    /// A hash to verify against when the account does not exist, so that a wrong email
    /// takes as long as a wrong password.
    public static let decoy: String = (try? hash("decoy-password-never-used")) ?? ""

    private static func derive(_ password: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds,
            blockSize: blockSize, parallelism: parallelism, maxMemory: 256 * 1024 * 1024)
        return key.withUnsafeBytes { Array($0) }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
