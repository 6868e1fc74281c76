import Protection

/// `Templates/service/queue.mustache`: escalated cases and open inquiries, oldest first.
struct QueuePage {
    let search: SearchBox
    let items: [QueueItem]
    let reasons: [SelectOption]
    let shopFilter: ShopFilter?
    let assignees: [SelectOption]
    /// "Awaiting approval": only payouts waiting for a second agent.
    let approvalOnly: Bool
    let action: String
    let previousHref: String?
    let nextHref: String?
    let page: Int
    let filtered: Bool
    let clearHref: String
    /// Email replies for a look: a sender who is not the case's party, or nowhere to post.
    let mailReplies: [MailReplyItem]
    var hasItems: Bool { !items.isEmpty }
    var hasMailReplies: Bool { !mailReplies.isEmpty }
}

struct MailReplyItem {
    let sender: String
    let received: String
    let subject: String
    let why: String
    let caseHref: String?
    let caseNumber: String?
    let text: String
    let doneAction: String
}

struct QueueItem {
    let href: CaseLink
    let number: CaseNumberText
    let shop: InlineText
    let shopFilterHref: JoinedText
    let orderNumber: InlineText
    let value: MoneyText
    let reason: Words
    let waiting: Words
    let queued: DateText
    let agent: String
    let assigned: Bool
    let documentsDue: String?
    let awaitingApproval: Bool
    let appeal: Bool
}

/// The shop the queue is narrowed to, with the link that widens it again.
struct ShopFilter {
    let name: String
    let clearHref: String
    let id: String
}

/// `Templates/service/case.mustache`: everything, with the action forms that apply.
struct ServiceCasePage {
    let `case`: CaseView
    let shopHref: String
    let shopInsolvent: Bool
    let coverageLimit: String
    let assignedTo: String?
    let requests: [RequestItem]
    let queueHref: String
    let generalError: String?
    let assignAction: String?
    let noteForm: ServiceForm?
    let answerForm: ServiceForm?
    let messageForm: ServiceForm?
    let requestForm: ServiceForm?
    let decisionForm: ServiceForm?
    let proposal: ProposalView?
    /// Shown on an appeal: who appealed, and whether this agent may decide it.
    let appealNotice: String?
    var hasRequests: Bool { !requests.isEmpty }
}

/// A payout waiting for a second agent: its amount, proposer and message, with the
/// approve and send-back forms for any other agent.
struct ProposalView {
    let amount: String
    let proposer: String
    let proposedAt: String
    let text: String
    /// Nil for the proposer, who waits for someone else.
    let approveAction: String?
    let returnForm: ServiceForm?
}

/// One of the agent's forms: its own messages and typed text, so a refused decision does
/// not mark the note field too, and the choices of the forms that have them.
struct ServiceForm {
    let action: String
    let errors: FieldErrors
    let text: String
    var recipients: [Choice] = []
    var parties: [Choice] = []
    var outcomes: [Choice] = []
    var days: Int?
    var amount: String?
    var currency: String?
    /// Payouts above this amount wait for a second agent.
    var approvalAbove: String?
}

/// `Templates/service/shop.mustache`: a shop's facts, its cases by state, insolvency.
struct ShopPage {
    let name: String
    let emails: [String]
    let merchants: [String]
    let currency: String
    let coverageLimit: String
    let locale: String
    let created: String
    let insolventSince: String?
    let states: [CountRow]
    let activeProtections: Int
    let queueHref: String
    let exportHref: String
    let action: String
    let errors: FieldErrors
    let generalError: String?
    let confirm: String
    /// The shop's webhooks, for an admin.
    let webhooksHref: String?
}

/// A label and a number: a table row of the dashboard and the shop page.
struct CountRow {
    let label: String
    let count: Int
}

/// `Templates/service/mail.mustache`: what waits in the outbox or failed, and the latest sent.
struct MailPage {
    let waiting: [MailRow]
    /// How many failed for good; nil when none did.
    let failedCount: Int?
    let recent: [MailRow]
    var hasWaiting: Bool { !waiting.isEmpty }
    var hasRecent: Bool { !recent.isEmpty }
}

struct MailRow {
    let to: String
    let subject: String
    let state: String
    let stateLabel: String
    let attempts: Int
    let next: String
    let error: String
    let sent: String
    let href: String
    let retryAction: String?
}

/// `Templates/service/mail_message.mustache`: one email, text and HTML source.
struct MailMessagePage {
    let to: String
    let subject: String
    let state: String
    let stateLabel: String
    let sent: String?
    let text: String
    let html: String
    let backHref: String
}

/// `Templates/service/dashboard.mustache`.
struct DashboardPage {
    let queued: Int
    let queueHref: String
    let exportHref: String
    let states: [CountRow]
    let reasons: [CountRow]
    let statesChart: BarChart
    let reasonsChart: BarChart
    let weeklyChart: WeekChart
    let weekly: [WeekRow]
    let medianReply: String
    let medianClosure: String
    let repliesCounted: Int
    let closuresCounted: Int
    let shops: [ShopCount]
    let shopsChart: BarChart
    var hasShops: Bool { !shops.isEmpty }
}

struct WeekRow {
    let week: String
    let opened: Int
    let closed: Int
}

struct ShopCount {
    let name: String
    let count: Int
    let href: String
}

/// `Templates/partials/bar_chart.mustache`: one bar a row, its label on the line above.
struct BarChart {
    let title: String
    let width: Int
    let height: Int
    let rows: [BarRow]
}

struct BarRow {
    let label: String
    let count: Int
    let labelY: Int
    let barY: Int
    let barWidth: Int
    let countX: Int
    let countY: Int
}

/// `Templates/partials/week_chart.mustache`: opened and closed cases a week.
struct WeekChart {
    let title: String
    let width: Int
    let height: Int
    let left: Int
    let openedLabel: String
    let closedLabel: String
    let openedLabelX: Int
    let closedKeyX: Int
    let closedLabelX: Int
    let axisY: Int
    let axisEnd: Int
    let maxValue: Int
    let maxY: Int
    let bars: [WeekBar]
}

struct WeekBar {
    let x: String
    let closedX: String
    let bar: String
    let opened: Int
    let openedY: String
    let openedHeight: String
    let closed: Int
    let closedY: String
    let closedHeight: String
    let hasLabel: Bool
    let label: String
    let labelY: Int
}

/// `Templates/service/search.mustache`: cases of every shop, and shops by name. A single
/// hit never shows this page (it goes to the case or the shop).
struct ServiceSearchPage {
    let search: SearchBox
    let notice: String?
    let cases: [ServiceSearchRow]
    let shops: [NavItem]
    let truncated: Bool
    var hasCases: Bool { !cases.isEmpty }
    var hasShops: Bool { !shops.isEmpty }
}

struct ServiceSearchRow {
    let href: CaseLink
    let number: String
    let shop: String
    let shopHref: String
    let orderNumber: InlineText
    let customer: InlineText
    let value: String
    let kind: String
    let state: String
    let stateLabel: String
    let opened: String
}

/// `Templates/service/audit.mustache`: the audit log with its filters.
struct AuditPage {
    let action: String
    let actor: String
    let shop: String
    let actions: [SelectOption]
    let entries: [AuditRow]
    let olderHref: String?
    var hasEntries: Bool { !entries.isEmpty }
}

struct AuditRow {
    let at: String
    let actor: String
    let client: String
    let action: String
    let shop: String
    let shopHref: String?
    let target: String
    /// What else the entry holds (the events, the addresses); nil when nothing.
    let details: String?
}

/// `Templates/service/admin.mustache`: shops and staff for admin agents.
struct AdminPage {
    /// A shop's API key, just made or rotated: shown this once.
    let newKey: NewShopKey?
    let shops: [AdminShopRow]
    let shopsPager: Pager
    let users: [AdminUserRow]
    let usersPager: Pager
    let shopAction: String
    let userAction: String
    let stateAction: String
    let typedName: String
    let typedEmails: String
    let typedCurrency: String
    let typedAmount: String
    let locales: [SelectOption]
    let typedEmail: String
    let typedShop: String
    let roles: [SelectOption]
    let errors: FieldErrors
}

struct NewShopKey {
    let shop: String
    let shopHref: String
    let key: String
}

struct AdminShopRow {
    let id: String
    let name: String
    let href: String
    let editHref: String
    let currency: String
    let created: String
    let rotateAction: String
}

struct AdminUserRow {
    let id: String
    let email: String
    let role: String
    let shop: String
    let state: String
    let deactivated: Bool
    /// False for the admin's own account.
    let changeable: Bool
    /// An admin can turn it off for someone who lost their phone and recovery codes.
    let twoStepOn: Bool
}

/// `Templates/service/admin_shop.mustache`: an admin edits a shop.
struct AdminShopPage {
    let shop: String
    let shopHref: String
    let action: String
    let name: String
    let emails: String
    /// Shown, not editable: the shop's amounts are in it.
    let currency: String
    let amount: String
    let locales: [SelectOption]
    let errors: FieldErrors
}

/// Previous and next pages of a list; shown only when there is more than one.
struct Pager {
    let page: Int
    let previousHref: String?
    let nextHref: String?
    var isNeeded: Bool { previousHref != nil || nextHref != nil }
}
