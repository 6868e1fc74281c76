/// `Templates/customer/account.mustache`: the customer's protections, newest first.
struct AccountPage {
    let protections: [AccountProtection]
    var hasProtections: Bool { !protections.isEmpty }
}

struct AccountProtection {
    let shop: String
    let orderNumber: String
    let orderDate: String
    let value: String
    let href: String
    let state: String
    let stateLabel: String
    var caseLabel: String?
    var nextHref: String?
    var nextLabel: String?
    var urgent: Bool
}

/// `Templates/customer/protection.mustache`: the order, and the four-option feedback form
/// while the protection is active and has no case.
struct ProtectionPage {
    let shop: String
    let orderNumber: String
    let orderDate: String
    let value: String
    let expires: String
    let state: String
    let stateLabel: String
    let showForm: Bool
    let daysLeft: String
    let action: String
    let options: [FeedbackChoice]
    let message: String
    let errors: FieldErrors
    let generalError: String?
    let maxFiles: Int
    let maxFileMb: Int
    let upload: PartyMessageForm
    let caseHref: String?
    let caseLabel: String?
    let inquiries: [InquiryLink]
    var hasInquiries: Bool { !inquiries.isEmpty }
}

/// One of the four options, with the line that explains it.
struct FeedbackChoice {
    let value: String
    let label: String
    let hint: String
    let checked: Bool
}

struct InquiryLink {
    let href: String
    let label: String
}

/// `Templates/customer/case.mustache`: the case, the answer form while the merchant's
/// answer waits for the customer, the message form while the service team mediates.
struct CustomerCasePage {
    let `case`: CaseView
    let errors: FieldErrors
    let generalError: String?
    let message: String
    let protectionHref: String
    let maxFiles: Int
    let maxFileMb: Int
    let answerForm: AnswerForm?
    let messageForm: PartyMessageForm?
    let returnForm: ReturnForm?
    let appealForm: AppealForm?
    let requests: [RequestItem]
    var hasRequests: Bool { !requests.isEmpty }
}

/// How the goods go back: a carrier (or in person) and its tracking number, a receipt.
struct ReturnForm {
    let action: String
    let formId: String
    let carriers: [SelectOption]
    let tracking: String
    /// "While the goods travel your time is paused; the shop confirms within N days."
    let pauseHint: String
}

struct AnswerForm {
    let action: String
    let answers: [Choice]
    let variantIntro: String
    let formId: String
}
