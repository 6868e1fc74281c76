import Foundation
import Protection

/// An instant as the shop API writes it: ISO 8601 in UTC to the second
/// ("2026-11-25T10:30:00Z"), the same text `ISO8601.write` makes of the Date. A case list
/// reads it straight from the stored date's text (`StoredDate.isoText`), with no Date made
/// and formatted again on the way.
public struct APITime: Sendable, Equatable {
    let text: InlineText

    public init(_ date: Date) {
        text = InlineText(ISO8601.string(date))
    }

    init(iso text: InlineText) {
        self.text = text
    }
}
