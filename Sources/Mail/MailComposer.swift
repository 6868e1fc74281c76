import Foundation
import Protection
import Rendering
import Store

/// What one email says, already in the reader's language. Every kind of notification
/// fills this same shape, and two templates (`mail/message.txt`, `mail/message.html`)
/// lay it out, so all emails look alike and read alike.
public struct MailContent: Sendable {
    public struct Fact: Sendable {
        public let label: String
        public let value: String
        public init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    public struct Action: Sendable {
        public let label: String
        public let url: String
        public init(label: String, url: String) {
            self.label = label
            self.url = url
        }
    }

    public var subject: String
    public var heading: String
    public var paragraphs: [String]
    /// Words of a person (a merchant's justification, an agent's message), set apart.
    public var quote: String?
    public var quoteLabel: String?
    public var facts: [Fact]
    public var action: Action?

    public init(subject: String, heading: String, paragraphs: [String] = [], quote: String? = nil, quoteLabel: String? = nil,
                facts: [Fact] = [], action: Action? = nil) {
        self.subject = subject
        self.heading = heading
        self.paragraphs = paragraphs
        self.quote = quote
        self.quoteLabel = quoteLabel
        self.facts = facts
        self.action = action
    }
}

public struct MailComposer: Sendable {
    public let templates: TemplateLibrary
    public let catalogs: Catalogs
    public let productName: String

    public init(templates: TemplateLibrary, catalogs: Catalogs) {
        self.templates = templates
        self.catalogs = catalogs
        self.productName = catalogs[.en]("product_name")
    }

    public func mail(_ content: MailContent, kind: String, to address: String, locale: AppLocale, caseID: String?,
                     dedupeKey: String? = nil, replyTo: String? = nil) -> OutgoingMail {
        let t = catalogs[locale]
        let context: [String: Any] = [
            "t": t,
            "lang": locale.rawValue,
            "subject": content.subject,
            "heading": content.heading,
            "paragraphs": content.paragraphs,
            "quote": content.quote ?? NSNull(),
            "quote_label": content.quoteLabel ?? NSNull(),
            "facts": content.facts.map { ["label": $0.label, "value": $0.value] },
            "has_facts": !content.facts.isEmpty,
            "action": content.action.map { ["label": $0.label, "url": $0.url] } ?? NSNull(),
        ]
        let text = templates.render("mail/message.txt", context)
        let html = templates.render("mail/message.html", context)
        return OutgoingMail(kind: kind, caseID: caseID, to: address, locale: locale.rawValue, subject: content.subject,
                            textBody: text, htmlBody: html, replyTo: replyTo, dedupeKey: dedupeKey)
    }
}
