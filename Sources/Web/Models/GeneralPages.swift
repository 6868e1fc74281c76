/// `Templates/home.mustache`: the three ways in, and a way back for someone signed in.
struct HomePage {
    let continueHref: String?
    let customerLogin: String
    let merchantLogin: String
    let serviceLogin: String
}

/// `Templates/error.mustache`.
struct ErrorPage {
    let status: Int
    let heading: String
    let text: String
    let home: String
}

/// `Templates/settings.mustache`: a staff member's language.
struct SettingsPage {
    let email: String
    let role: String
    let locales: [LanguageOption]
    /// The user's signed-in sessions, the newest first; each but the current can be ended.
    let sessions: [SessionItem]
    let sessionsAction: String
    let passwordAction: String
    let errors: FieldErrors
    let generalError: String?
    let minimum: Int
    /// The shop's settings (addresses, API keys, webhooks), for a merchant who owns the shop.
    let shopSettingsHref: String?
    /// Whether two-step sign-in is on, in words, and where it is managed.
    let twoStepStatus: String
    let twoStepHref: String
    var hasOtherSessions: Bool { sessions.contains { !$0.current } }
}

struct SessionItem {
    /// The session's hash: what the form names it by (the token itself is never shown).
    let id: String
    let device: String
    let started: String
    let lastUsed: String
    let current: Bool
}

/// `Templates/partials/search_form.mustache`: the search box of the Control Centre and of
/// the service team's pages (a GET form: a search changes nothing).
struct SearchBox {
    let action: String
    /// What was typed, shown back in the box.
    let query: String
    let hint: String
}

/// `Templates/export.mustache`: the days and state of a CSV export of cases, for a
/// merchant (their shop) or an agent (a shop, or every shop).
struct ExportPage {
    let action: String
    /// The shop whose cases these are; nil: every shop.
    let shop: String?
    let shopId: String?
    let from: String
    let to: String
    let states: [SelectOption]
    let errors: FieldErrors
    let backHref: String
    let backLabel: String
}

/// `Templates/api_docs.mustache`: the shop API's reference (`APIReference`).
struct APIDocsPage {
    let title: String
    let description: String
    let specHref: String
    let operations: [APIOperation]
    let webhooks: [APIOperation]
    var hasWebhooks: Bool { !webhooks.isEmpty }
}

struct APIOperation: Sendable {
    let anchor: String
    let method: String
    let path: String
    let summary: String
    let details: String?
    let parameters: [APIParameter]
    let requestExample: String?
    let responses: [APIResponseDoc]
    var hasParameters: Bool { !parameters.isEmpty }
}

struct APIParameter: Sendable {
    let name: String
    let location: String
    let required: Bool
    let type: String
    let meaning: String?
}

struct APIResponseDoc: Sendable {
    let status: String
    let description: String
    let example: String?
}
