struct DocumentLink {
    let name: String
    let href: String
    let size: String
    let type: String
}

struct TimelineEntry {
    let time: DateText
    let timeISO: MachineTime
    let actor: Words
    let heading: Words
    let text: String?
    let details: [String]
    let documents: [DocumentLink]
    let isInternal: Bool
    let kind: String
    let hasDocuments: Bool
}

/// A case as one viewer sees it: facts, state, deadline, the merchant's decision and
/// the timeline filtered to what the viewer may read. Built the same way for the
/// customer, the merchant and the service team, so they never disagree.
struct CaseView {
    let number: String
    let state: String
    let stateLabel: Words
    let kindInquiry: Bool
    let reasonLabel: Words?
    let shopName: String
    let orderNumber: String
    let orderDate: DateText
    let orderValue: MoneyText
    let customerEmail: String
    let openedAt: DateText
    let deadline: DateText?
    let daysLeft: Words?
    let deadlinePassed: Bool
    let replySummary: String?
    let escalationLabel: Words?
    let closureLabel: String?
    let decisionLabel: String?
    /// Where the returned goods are: sent (how, when, confirm by), or received (refund by).
    let returnStatus: String?
    /// While the goods travel the customer's answer window is paused: the days it keeps.
    let pausedDaysLeft: String?
    /// Who appealed the first decision, and when.
    let appealLabel: String?
    let timeline: [TimelineEntry]
    let documents: [DocumentLink]
    let isOpen: Bool
    /// The printable case file of this view.
    let fileHref: String
}

/// `Templates/case_file.mustache`: the case as the viewer may see it, on paper: facts,
/// the whole timeline, every document with its SHA-256, and the head of the hash chain.
struct CaseFilePage {
    let title: String
    let `case`: CaseView
    let generated: String
    let generatedIso: String
    let files: [CaseFileDocument]
    let head: String
    let jsonHref: String
    let backHref: String
    var hasFiles: Bool { !files.isEmpty }
}

struct CaseFileDocument {
    let name: String
    let size: String
    let sha256: String
}
