import Rendering

// The models the templates read. Each page template names its model on its first line
// (`{{! model: PageLayout<MerchantCasesPage> }}`); the template compiler checks every
// name against these declarations at build time. A template's `order_number` is
// `orderNumber` here. Values are plain: text already worded and formatted, flags as
// Bool, what may be missing as an optional, lists as arrays; in long lists, amounts,
// dates and labels are values that write themselves (`TemplateValues.swift`).

/// What every page shares around its own content (`Templates/layout.mustache`).
struct PageLayout<Content> {
    let t: Catalog
    let lang: String
    let title: String
    let csrf: String
    let page: Content
    let nav: [NavItem]
    let languages: [LanguageOption]
    let returnTo: String
    let signedIn: Bool
    let viewerLabel: String?
    let flash: String?
}

/// One entry of the top navigation.
struct NavItem {
    let label: String
    let href: String
    let current: Bool
}

/// One choice of the language selectors.
struct LanguageOption {
    let code: String
    let label: String
    let selected: Bool
}

/// One radio button of a form: its value, its words, and whether it is the one chosen.
struct Choice {
    let value: String
    let label: String
    let checked: Bool
}

/// One option of a `<select>` filter.
struct SelectOption {
    let value: String
    let label: String
    let selected: Bool
}

/// The messages beside the fields of a refused form, worded for the reader.
struct FieldErrors {
    var amount: String?
    var answer: String?
    var carrier: String?
    var received: String?
    var tracking: String?
    var confirm: String?
    var currentPassword: String?
    var documents: String?
    var from: String?
    var message: String?
    var newPassword: String?
    var option: String?
    var outcome: String?
    var refund: String?
    var text: String?
    var to: String?
    var url: String?
    var events: String?
    var emails: String?
    var email: String?
    var shop: String?
    var currency: String?
    var locale: String?
    var name: String?
    var code: String?

    static let none = FieldErrors()

    /// Fields the forms do not have are left out (they never reach a page).
    init(_ byField: [String: String] = [:]) {
        amount = byField["amount"]
        answer = byField["answer"]
        carrier = byField["carrier"]
        url = byField["url"]
        events = byField["events"]
        emails = byField["emails"]
        email = byField["email"]
        shop = byField["shop"]
        currency = byField["currency"]
        locale = byField["locale"]
        name = byField["name"]
        code = byField["code"]
        received = byField["received"]
        tracking = byField["tracking"]
        confirm = byField["confirm"]
        currentPassword = byField["current_password"]
        newPassword = byField["new_password"]
        documents = byField["documents"]
        from = byField["from"]
        message = byField["message"]
        option = byField["option"]
        outcome = byField["outcome"]
        refund = byField["refund"]
        text = byField["text"]
        to = byField["to"]
    }
}

/// A document request shown to the party it asks, or to the service team (with `party`).
struct RequestItem {
    let party: String?
    let text: String
    let due: String
}

/// A form that posts to `action`; `formID` names its fields' ids (`message-reply`).
struct PartyMessageForm {
    let action: String
    let formId: String
}

/// The appeal against the service team's decision: a mandatory reason and documents,
/// open until `until`.
struct AppealForm {
    let action: String
    let formId: String
    let until: String
}
