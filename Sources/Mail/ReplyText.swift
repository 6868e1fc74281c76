import Foundation

/// The new words of a reply: the quoted history and the signature cut off, the way
/// Discourse's and GitHub's mail receivers do it. What marks the history: a line
/// "On … wrote:" (and its German "Am … schrieb …:" and Polish "W dniu … napisał(a):"
/// forms, also broken over two lines), "-----Original Message-----" and its variants,
/// Outlook's header block (From/Sent/To/Subject, Od/Wysłano/Do/Temat,
/// Von/Gesendet/An/Betreff), a line of underscores; every `>` line; and after "-- " the
/// signature, as after "Sent from my iPhone".
public enum ReplyText {
    public static func newText(_ text: String) -> String {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var kept: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if startsHistory(lines, at: index) || startsSignature(trimmed, raw: line) { break }
            if !trimmed.hasPrefix(">") { kept.append(line) }
            index += 1
        }
        // Trailing blank lines and trailing spaces go; the words' own blank lines stay.
        while let last = kept.last, last.trimmingCharacters(in: .whitespaces).isEmpty { kept.removeLast() }
        while let first = kept.first, first.trimmingCharacters(in: .whitespaces).isEmpty { kept.removeFirst() }
        return kept.map { String($0.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()) }.joined(separator: "\n")
    }

    static let attributionVerbs = ["wrote", "schrieb", "napisał", "pisze", "a écrit", "escribió"]
    static let originalMessage = [
        "-----original message-----", "----- original message -----", "-------- original message --------",
        "-----ursprüngliche nachricht-----", "----- ursprüngliche nachricht -----", "-------- ursprüngliche nachricht --------",
        "-----wiadomość oryginalna-----", "----- wiadomość oryginalna -----", "-------- oryginalna wiadomość --------",
        "-------- original-nachricht --------", "-------- forwarded message --------", "---------- forwarded message ---------",
        "-------- weitergeleitete nachricht --------", "-------- przekazana wiadomość --------",
    ]
    static let fromLabels = ["from:", "od:", "von:"]
    static let headerLabels = [
        "sent:", "date:", "to:", "subject:", "cc:", "wysłano:", "wysłane:", "data:", "do:", "temat:", "dw:", "gesendet:", "datum:",
        "an:", "betreff:",
    ]

    static func startsHistory(_ lines: [String], at index: Int) -> Bool {
        let line = lines[index].trimmingCharacters(in: .whitespaces)
        let lower = line.lowercased()
        if originalMessage.contains(where: { lower.hasPrefix($0) }) { return true }
        if line.count >= 20 && line.allSatisfy({ $0 == "_" }) { return true }
        // "On Mon, 1 Dec 2026 at 10:00, Buyer Protection <…> wrote:", maybe over two lines.
        let opensAttribution =
            lower.hasPrefix("on ") || lower.hasPrefix("am ") || lower.hasPrefix("w dniu ") || lower.hasPrefix("dnia ")
            || lower.hasPrefix("le ") || lower.hasPrefix("el ")
        // "…wrote:", "…schrieb Name <a@b>:", "…napisał(a):": a verb, and the colon at the end.
        let ends = { (text: String) in text.hasSuffix(":") && attributionVerbs.contains { text.contains($0) } }
        if ends(lower) && (opensAttribution || lower.contains("@") || lower.contains(where: \.isNumber)) { return true }
        if opensAttribution, index + 1 < lines.count, ends(lines[index + 1].trimmingCharacters(in: .whitespaces).lowercased()) {
            return true
        }
        // Outlook's block: "From: …" followed within four lines by two of its other labels.
        if fromLabels.contains(where: { lower.hasPrefix($0) }) {
            let following = lines[(index + 1)..<min(lines.count, index + 5)].map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if following.filter({ next in headerLabels.contains { next.hasPrefix($0) } }).count >= 2 { return true }
        }
        return false
    }

    static let sentFrom = ["sent from my ", "wysłano z ", "wysłane z ", "von meinem ", "gesendet von "]

    static func startsSignature(_ trimmed: String, raw: String) -> Bool {
        if raw == "-- " || raw == "--" { return true }
        let lower = trimmed.lowercased()
        return sentFrom.contains { lower.hasPrefix($0) } && trimmed.count < 80
    }
}
