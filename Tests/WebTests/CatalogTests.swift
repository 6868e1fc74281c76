import Foundation
import Testing
@testable import Protection
@testable import Rendering
@testable import Store
@testable import Web

/// Every word a person reads comes from the catalogs; English, Polish and German are
/// complete, and each translation keeps the placeholders of the English.
@Suite struct CatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func load(_ locale: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/Strings/\(locale).json")))
    }

    /// Keys the code builds from enumerations.
    var derivedKeys: [String] {
        var keys: [String] = []
        keys += CaseState.allCases.map { "state_" + $0.rawValue }
        keys += CaseState.allCases.map { "inquiry_state_" + $0.rawValue }
        keys += CaseReason.allCases.map { "reason_" + $0.rawValue }
        keys += RefundIntent.allCases.map { "refund_" + $0.rawValue }
        keys += CustomerAnswer.allCases.map { "answer_" + $0.rawValue }
        keys += EscalationReason.allCases.map { "escalation_" + $0.rawValue }
        keys += EscalationReason.allCases.flatMap { ["mail_escalated_\($0.rawValue)_customer", "mail_escalated_\($0.rawValue)_merchant"] }
        keys += Closure.allCases.map { "closure_" + $0.rawValue }
        keys += Closure.allCases.map { "mail_closed_" + $0.rawValue }
        keys += ServiceOutcome.allCases.flatMap { ["outcome_" + $0.rawValue, "outcome_\($0.rawValue)_summary", "mail_decision_" + $0.rawValue] }
        keys += ProtectionState.allCases.map { "protection_state_" + $0.rawValue }
        keys += FeedbackOption.allCases.flatMap { ["feedback_" + $0.rawValue, "feedback_\($0.rawValue)_hint"] }
        keys += ["a", "b", "c"].map { "answer_intro_" + $0 }
        keys += EventKind.allCases.map { "event_" + $0.rawValue }
        keys += ["customer", "merchant", "customer_merchant"].map { "event_service_message_to_" + $0 }
        keys += Party.allCases.flatMap { ["event_documents_requested_" + $0.rawValue, "event_document_request_expired_" + $0.rawValue,
                                          "party_" + $0.rawValue, "to_" + $0.rawValue] }
        keys += Notice.Kind.allCases.filter { $0 != .merchantReplied || true }.map { "mail_\($0.rawValue)_subject" }
        keys += ["pending", "sending", "sent", "failed"].map { "mail_state_" + $0 }
        keys += AppLocale.allCases.map { "language_" + $0.rawValue }
        keys += ["merchant", "agent"].map { "role_" + $0 }
        keys += ["mine", "unassigned"].map { "queue_assignee_" + $0 }
        keys += ReturnCarrier.allCases.map { "carrier_" + $0.rawValue }
        keys += ["yes", "not_yet"].map { "receipt_" + $0 }
        keys += ["own", "by_customer", "by_merchant"].map { "mail_appealed_" + $0 }
        keys += AuditAction.allCases.map { "audit_" + $0.rawValue.replacingOccurrences(of: ".", with: "_") }
        keys += WebhookEventType.allCases.map { "webhook_event_" + $0.rawValue.replacingOccurrences(of: ".", with: "_") }
        keys += ["pending", "sending", "delivered", "failed"].map { "webhook_state_" + $0 }
        keys += ["url_required", "url_malformed", "url_https", "url_credentials", "url_private", "url_unresolvable", "events", "too_many"]
            .map { "error_webhook_" + $0 }
        keys += [400, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503].flatMap { ["error_\($0)_heading", "error_\($0)_text"] }
        keys += ["days_left_one", "days_left_other", "waiting_hours_one", "waiting_days_one", "duration_hours_one"]
        return keys
    }

    /// Keys the templates read as `{{t.key}}` and the code passes as literals.
    func usedKeys() throws -> Set<String> {
        var keys = Set<String>()
        let fm = FileManager.default
        for directory in ["Templates", "Sources"] {
            let base = "\(Self.root)/\(directory)"
            for file in fm.enumerator(atPath: base)?.allObjects as? [String] ?? [] where file.hasSuffix(".mustache") || file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: base + "/" + file, encoding: .utf8)
                let patterns = file.hasSuffix(".mustache") ? [#"\{\{[#^/]?t\.([a-z0-9_]+)\}\}"#]
                    : [#"\bt\("([a-z0-9_]+)"\)"#, #"t\.format\("([a-z0-9_]+)""#, #"line\("([a-z0-9_]+)""#, #"Message\("([a-z0-9_]+)""#,
                       #"\.field\("[a-z_]+", "(error_[a-z0-9_]+)""#, #"key: "([a-z0-9_]+)""#]
                for pattern in patterns {
                    let regex = try NSRegularExpression(pattern: pattern)
                    for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                        if let range = Range(match.range(at: 1), in: text) { keys.insert(String(text[range])) }
                    }
                }
            }
        }
        return keys
    }

    @Test(arguments: ["en", "pl", "de"])
    func everyKeyTheProductUsesIsTranslated(locale: String) throws {
        let catalog = try load(locale)
        let missing = (try usedKeys()).filter { !$0.hasSuffix("_") }.union(derivedKeys).filter { catalog[$0] == nil }.sorted()
        #expect(missing.isEmpty, "missing in \(locale).json: \(missing)")
    }

    @Test(arguments: ["pl", "de"])
    func translationsHaveTheEnglishKeysAndPlaceholders(locale: String) throws {
        let english = try load("en"), other = try load(locale)
        let plural = ["_one", "_few", "_many", "_other"]
        func base(_ key: String) -> String { plural.first(where: key.hasSuffix).map { String(key.dropLast($0.count)) } ?? key }
        let missing = english.keys.filter { other[$0] == nil }.sorted()
        #expect(missing.isEmpty, "\(locale).json lacks \(missing)")
        let extra = other.keys.filter { english[$0] == nil && !english.keys.contains(where: { base($0) == base($0) && base($0) != $0 }) }
            .filter { key in !english.keys.contains { base($0) == base(key) } }.sorted()
        #expect(extra.isEmpty, "\(locale).json has keys English lacks: \(extra)")
        let placeholder = try NSRegularExpression(pattern: #"\{([a-z]+)\}"#)
        func names(_ s: String) -> Set<String> {
            Set(placeholder.matches(in: s, range: NSRange(s.startIndex..., in: s)).compactMap { Range($0.range(at: 1), in: s).map { String(s[$0]) } })
        }
        for (key, value) in english {
            if let translated = other[key] { #expect(names(translated) == names(value), "\(locale) \(key)") }
        }
    }

    @Test func theFeedbackOptionsUseTheOperatorsWording() throws {
        let pl = try load("pl"), en = try load("en")
        #expect(pl["feedback_all_fine"] == "Wszystko w porządku, chciał(a)bym zakończyć Ochronę Kupującego")
        #expect(pl["feedback_not_received"] == "Nie otrzymałem mojego zamówienia")
        #expect(pl["feedback_refund_missing"] == "Nie otrzymałem od sklepu zwrotu pieniędzy")
        #expect(pl["feedback_other"] == "Mam inną sprawę")
        #expect(en["feedback_all_fine"] == "Everything is fine, I'd like to end Buyer Protection")
        #expect(en["feedback_other"] == "I have a different matter")
        #expect(pl["reply_question"] == "Czy zamierzasz dokonać zwrotu pieniędzy?")
        #expect(pl["reply_amount"] == "Kwota zwrotu")
        #expect(pl["mail_button_enter_response"] == "Wprowadź odpowiedź tutaj")
    }

    @Test func typedKeysReadTheSameWordsAsTheirNames() throws {
        let catalogs = try Catalogs(directory: Self.root + "/Strings")
        for locale in AppLocale.allCases {
            let t = catalogs[locale]
            for key in CatalogKey.allCases {
                #expect(t(key) == t(CatalogKey.names[key.rawValue]))
                #expect(Array(t.html(key)) == Array(HTMLEscaping.escape(t(key)).utf8))
            }
        }
        #expect(catalogs[.pl](.reply_amount) == "Kwota zwrotu")
    }

    @Test func catalogsFillPlaceholdersAndPlurals() throws {
        let catalogs = try Catalogs(directory: Self.root + "/Strings")
        #expect(catalogs[.pl].plural("days_left", 1) == "został 1 dzień")
        #expect(catalogs[.pl].plural("days_left", 3) == "zostały 3 dni")
        #expect(catalogs[.pl].plural("days_left", 5) == "zostało 5 dni")
        #expect(catalogs[.en].plural("days_left", 1) == "1 day left")
        #expect(catalogs[.en].format("case_title", ["number": "#7"]) == "Case #7")
    }

    @Test func preparedPluralsAreTheSameWordsAsPlurals() throws {
        let catalogs = try Catalogs(directory: Self.root + "/Strings")
        let english = try load("en")
        let keys = Set(english.keys.filter { $0.hasSuffix("_other") }.map { String($0.dropLast("_other".count)) })
        #expect(keys.contains("days_left") && keys.contains("waiting_hours"))
        #expect(Set(PluralKey.names).isSuperset(of: keys), "every plural key is a PluralKey")
        for locale in AppLocale.allCases {
            // The reference: the language's form for n's category (else "other", else
            // "many", English where the language lacks the key) with {n} filled in by format.
            let own = try load(locale.rawValue)
            for key in keys.sorted() {
                for n in Array(0..<130) + [199, 200, 201, 202, 205, 212, 222, 1001, 1_000_000] {
                    let names = [locale.pluralCategory(n), "other", "many"].map { key + "_" + $0 }
                    let form = try #require(names.first { own[$0] != nil } ?? names.first { english[$0] != nil })
                    let expected = catalogs[locale].format(form, ["n": String(n)])
                    #expect(catalogs[locale].pluralBytes(key, n) == Array(expected.utf8), "\(key) \(n)")
                    #expect(catalogs[locale].plural(key, n) == expected, "\(key) \(n)")
                    // As a list line writes it: prepared, or its pieces around the digits.
                    let words = catalogs[locale].pluralWords(try #require(PluralKey(name: key)), n)
                    var out = TemplateOutput()
                    words.write(into: &out, html: false)
                    #expect(out.text == expected && words.text == expected, "\(key) \(n)")
                }
            }
        }
    }

    @Test func placeholdersAreFilledInOnePass() {
        let catalog = Catalog(locale: .en, strings: [
            "k": "{a} and {b}, {a}; {unknown} {b", "plain": "no braces", "edge": "{a}{b}{", "wide": "zł {a} — ok {{a}} {ż}",
        ], fallback: [:])
        #expect(catalog.format("wide", ["a": "1", "ż": "2"]) == "zł 1 — ok {1} 2", "UTF-8 around and inside braces")
        #expect(catalog.format("k", ["a": "x{b}", "b": "ż"]) == "x{b} and ż, x{b}; {unknown} {b", "values are not searched again")
        #expect(catalog.format("plain", ["a": "1"]) == "no braces")
        #expect(catalog.format("edge", ["a": "1", "b": "2"]) == "12{")
        #expect(catalog.format("k", [:]) == "{a} and {b}, {a}; {unknown} {b")
    }
}

/// The labels list rows write by key are the labels composed from their names.
@Suite struct LabelKeyTests {
    @Test func everyStateReasonAndEscalationHasItsLabelKey() throws {
        let catalogs = try Catalogs(directory: CatalogTests.root + "/Strings")
        func keyIsNamed<Value: LabelledValue>(_ value: Value) -> Bool {
            CatalogKey.named(Value.labelPrefix + "_" + value.rawValue) == value.labelKey
        }
        #expect(CaseState.allCases.allSatisfy(keyIsNamed))
        #expect(CaseReason.allCases.allSatisfy(keyIsNamed))
        #expect(EscalationReason.allCases.allSatisfy(keyIsNamed))
        // Words point into their catalog's block: the catalogs stay for the whole test, as
        // the App keeps its own.
        defer { withExtendedLifetime(catalogs) {} }
        for locale in AppLocale.allCases {
            let t = catalogs[locale]
            for state in CaseState.allCases {
                #expect(t.words(state).text == t.label("state", state.rawValue))
                var html = TemplateOutput()
                t.words(state).write(into: &html, html: true)
                #expect(html.text == HTMLEscaping.escape(t.label("state", state.rawValue)), "the prepared escaped form")
            }
            for reason in CaseReason.allCases { #expect(t.words(reason).text == t.label("reason", reason.rawValue)) }
            for reason in EscalationReason.allCases { #expect(t.words(reason).text == t.label("escalation", reason.rawValue)) }
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            for days in [-1.0, 0, 0.5, 1, 3, 20, 150] {
                let due = now.addingTimeInterval(days * 86_400)
                let expected = now >= due ? t("deadline_overdue") : t.plural("days_left", Deadlines.daysLeft(until: due, from: now))
                #expect(t.daysLeftWords(until: due, now: now).text == expected)
            }
        }
    }
}

/// An event's heading by key is the catalog's `event_<kind>` in every language, written
/// as the String was; the kinds without a key compose theirs from the event's data.
@Suite struct EventHeadingKeyTests {
    @Test func everyKeyedKindIsNamedForItsKind() throws {
        let catalogs = try Catalogs(directory: CatalogTests.root + "/Strings")
        defer { withExtendedLifetime(catalogs) {} }
        let composed: Set<EventKind> = [.escalated, .closed, .serviceMessage, .documentsRequested, .documentRequestExpired]
        for kind in EventKind.allCases {
            #expect((kind.headingKey == nil) == composed.contains(kind), "\(kind)")
            guard let key = kind.headingKey else { continue }
            #expect(CatalogKey.named("event_" + kind.rawValue) == key)
            for locale in AppLocale.allCases {
                let t = catalogs[locale]
                let event = EventRecord(
                    id: 1, caseID: "c", at: Date(), actor: .system, kind: kind, audience: .everyone, text: nil, data: [:])
                #expect(CaseView.heading(event, t).text == t("event_" + kind.rawValue))
                var html = TemplateOutput()
                CaseView.heading(event, t).write(into: &html, html: true)
                #expect(html.text == HTMLEscaping.escape(t("event_" + kind.rawValue)))
            }
        }
    }
}
