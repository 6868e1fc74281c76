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

    public init(
        subject: String, heading: String, paragraphs: [String] = [], quote: String? = nil, quoteLabel: String? = nil,
        facts: [Fact] = [], action: Action? = nil
    ) {
        self.subject = subject
        self.heading = heading
        self.paragraphs = paragraphs
        self.quote = quote
        self.quoteLabel = quoteLabel
        self.facts = facts
        self.action = action
    }
}

/// What `Templates/mail/message.{txt,html}.mustache` read: one email's words and the
/// reader's catalog.
struct MailMessage {
    let t: Catalog
    let lang: String
    let subject: String
    let heading: String
    let paragraphs: [String]
    let quote: String?
    let quoteLabel: String?
    let facts: [MailContent.Fact]
    let action: MailContent.Action?
    var hasFacts: Bool { !facts.isEmpty }
}

public struct MailComposer: Sendable {
    public let catalogs: Catalogs
    public let productName: String

    public init(catalogs: Catalogs) {
        self.catalogs = catalogs
        self.productName = catalogs[.en]("product_name")
    }

    public func mail(
        _ content: MailContent, kind: String, to address: String, locale: AppLocale, caseID: String?,
        dedupeKey: String? = nil, replyTo: String? = nil
    ) -> OutgoingMail {
        let t = catalogs[locale]
        let message = MailMessage(
            t: t, lang: locale.rawValue, subject: content.subject, heading: content.heading, paragraphs: content.paragraphs,
            quote: content.quote, quoteLabel: content.quoteLabel, facts: content.facts, action: content.action)
        var text = TemplateOutput(capacity: 2048)
        Template.mailMessageTxt(message, into: &text)
        var html = TemplateOutput(capacity: 8192)
        Template.mailMessageHtml(message, into: &html)
        return OutgoingMail(
            kind: kind, caseID: caseID, to: address, locale: locale.rawValue, subject: content.subject,
            textBody: text.text, htmlBody: html.text, replyTo: replyTo, dedupeKey: dedupeKey)
    }
}
