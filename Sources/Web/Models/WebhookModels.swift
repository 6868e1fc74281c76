/// `Templates/webhooks/list.mustache`: a shop's webhook endpoints and the form to add one.
struct WebhookListPage {
    let shop: String
    let backHref: String
    let backLabel: String
    let docsHref: String
    let endpoints: [WebhookRow]
    let action: String
    /// What the add form holds: empty, or what was typed when it was refused.
    let url: String
    let eventChoices: [WebhookEventChoice]
    let errors: FieldErrors
    var hasEndpoints: Bool { !endpoints.isEmpty }
}

struct WebhookRow {
    let url: String
    let href: String
    let events: String
    let created: String
    /// Deliveries not yet through (waiting or being retried); nil when none.
    let waiting: Int?
}

struct WebhookEventChoice {
    let id: String
    let value: String
    let label: String
    let selected: Bool
}

/// `Templates/webhooks/endpoint.mustache`: one endpoint, its secret when just made or
/// rotated (never again), the rotate and delete forms, and the delivery log.
struct WebhookPage {
    let shop: String
    let listHref: String
    let url: String
    let events: [String]
    let created: String
    /// Shown only in the answer to the post that made it.
    let newSecret: String?
    /// Until when the secret before the last rotation still signs; nil when none does.
    let previousSecretUntil: String?
    let rotateAction: String
    let deleteAction: String
    let resendAction: String
    let deliveries: [WebhookDeliveryRow]
    var hasDeliveries: Bool { !deliveries.isEmpty }
}

struct WebhookDeliveryRow {
    let id: String
    let event: String
    let created: String
    let state: String
    let stateLabel: String
    let status: String
    let duration: String
    let attempts: Int
    let next: String
    let error: String
}
