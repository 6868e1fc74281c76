import Foundation

/// What a staff password must be: at least 12 characters, not a common password (the
/// Openwall list in `Data/common-passwords.txt`, also with digits or symbols around
/// it: "Password2026!" is "password"), not one or two characters repeated or a run of
/// the keyboard or the alphabet, and not the user's own address.
public struct PasswordPolicy: Sendable {
    public enum Problem: Error, Equatable, Sendable {
        case tooShort, tooLong, common, containsEmail
    }

    let common: Set<String>

    public init(common: Set<String>) { self.common = common }

    /// The list as the repository keeps it; comment lines (`#!comment`) are skipped.
    public static func load(path: String) -> PasswordPolicy {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let words = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#!comment") }.map { $0.lowercased() }
        return PasswordPolicy(common: Set(words))
    }

    static let runs = [
        "01234567890123456789", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
        "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn",
    ]

    public func problem(_ password: String, email: String) -> Problem? {
        guard password.count >= Passwords.minimumLength else { return .tooShort }
        guard password.utf8.count <= 1024 else { return .tooLong }
        let lower = password.lowercased()
        let trimmed = lower.trimmingCharacters(
            in: CharacterSet.decimalDigits.union(.punctuationCharacters).union(.symbols).union(.whitespaces))
        if common.contains(lower) || common.contains(trimmed) { return .common }
        if Set(lower).count <= 2 { return .common }
        let squeezed = lower.filter { !$0.isWhitespace }
        if Self.runs.contains(where: { $0.contains(squeezed) || String($0.reversed()).contains(squeezed) }) { return .common }
        if let local = email.lowercased().split(separator: "@").first, local.count >= 4, lower.contains(local) { return .containsEmail }
        return nil
    }

    /// The catalog key that says what is wrong.
    public static func messageKey(_ problem: Problem) -> String {
        switch problem {
        case .tooShort: "error_password_short"
        case .tooLong: "error_password_long"
        case .common: "error_password_common"
        case .containsEmail: "error_password_email"
        }
    }
}
