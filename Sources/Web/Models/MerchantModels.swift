import Protection

/// `Templates/merchant/cases.mustache`: the Control Centre's list, open cases first.
struct MerchantCasesPage {
    let search: SearchBox
    let exportHref: String
    let shop: String
    let insolvent: Bool
    let cases: [MerchantCaseRow]
    let filters: [NavItem]
    /// How many cases wait for the merchant's answer; nil when none do.
    let waiting: Int?
    let previousHref: String?
    let nextHref: String?
    let page: Int
    var hasCases: Bool { !cases.isEmpty }
}

struct MerchantCaseRow {
    let href: CaseLink
    let number: CaseNumberText
    let orderNumber: InlineText
    let customer: InlineText
    let value: MoneyText
    let reason: Words
    let state: StateName
    let stateLabel: Words
    let opened: DateText
    /// The reply deadline while the case waits for the merchant.
    let due: DateText?
    let daysLeft: Words?
    let urgent: Bool
}

/// `Templates/merchant/case.mustache`: a case with the Reply button while it waits for
/// the merchant, and the message form while the service team mediates.
struct MerchantCasePage {
    let `case`: CaseView
    let customerMessage: String?
    let insolvent: Bool
    let errors: FieldErrors
    let generalError: String?
    let message: String
    let listHref: String
    let maxFiles: Int
    let maxFileMb: Int
    let replyHref: String?
    let messageForm: PartyMessageForm?
    let receiptForm: ReceiptForm?
    let appealForm: AppealForm?
    let requests: [RequestItem]
    var hasRequests: Bool { !requests.isEmpty }
}

/// "Goods received" / "not received yet" for a return on its way.
struct ReceiptForm {
    let action: String
    let choices: [Choice]
    /// What confirming starts: the refund deadline, in (working) days.
    let intro: String
}

/// `Templates/merchant/reply.mustache`: refund yes / after return / no, the amount
/// prefilled with the order value, the mandatory message, documents.
struct ReplyPage {
    let number: String
    let caseHref: String
    let action: String
    let orderNumber: String
    let orderValue: String
    let customerEmail: String
    let reason: String
    let customerMessage: String?
    let options: [Choice]
    let amount: String
    let currency: String
    let message: String
    let errors: FieldErrors
    let generalError: String?
    let due: String?
    let daysLeft: String?
    let maxFiles: Int
    let maxFileMb: Int
    let closed: Bool
    let formId: String
}

/// `Templates/merchant/search.mustache`: the merchant's search results, in the list's
/// columns. A single hit never shows this page (it goes to the case).
struct MerchantSearchPage {
    let search: SearchBox
    /// Why there is nothing to list: no text typed, too long, or no match.
    let notice: String?
    let cases: [MerchantCaseRow]
    let truncated: Bool
    let listHref: String
    var hasCases: Bool { !cases.isEmpty }
}

/// `Templates/merchant/settings.mustache`: the shop's settings for its owner.
struct MerchantSettingsPage {
    let shop: String
    /// One address a line (what was typed, when refused).
    let emails: String
    let emailsAction: String
    let keys: [APIKeyRow]
    let keyAction: String
    let revokeAction: String
    let keyName: String
    /// Shown only in the answer to the post that made it.
    let newKey: String?
    let colleagues: [ColleagueRow]
    let colleagueAction: String
    let deactivateAction: String
    let inviteEmail: String
    let webhooksHref: String
    let apiDocsHref: String
    let errors: FieldErrors
}

struct APIKeyRow {
    let id: String
    let name: String
    let created: String
    /// When it was revoked; nil while it works.
    let revoked: String?
}

struct ColleagueRow {
    let id: String
    let email: String
    /// Owner, active, invited (no password set yet) or deactivated with its day.
    let state: String
    let canDeactivate: Bool
}
