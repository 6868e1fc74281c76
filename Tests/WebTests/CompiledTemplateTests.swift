import Foundation
import Mustache
import Testing
@testable import Mail
@testable import Protection
@testable import Rendering
@testable import Web

/// The compiled templates write exactly what swift-mustache writes for the same
/// templates and the same models: every page and both mail parts, from models with text
/// that needs escaping, with lists full and empty, with optionals present and absent.
@Suite struct CompiledTemplateTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let reference: MustacheLibrary = {
        var library = MustacheLibrary()
        let base = root + "/Templates"
        for relative in FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? [] where relative.hasSuffix(".mustache") {
            let text = try! String(contentsOfFile: base + "/" + relative, encoding: .utf8)
            try! library.register(text, named: String(relative.dropLast(".mustache".count)))
        }
        return library
    }()

    static let catalogs = try! Catalogs(directory: root + "/Strings")

    /// Renders with the reference and with the compiled function and compares.
    func same<Model>(_ name: String, _ model: Model, _ compiled: (Model, inout TemplateOutput) -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = Self.reference.render(Reflected(model), withTemplate: name)
        var out = TemplateOutput()
        compiled(model, &out)
        #expect(expected != nil, "no reference template \(name)", sourceLocation: sourceLocation)
        if let expected, expected != out.text {
            let a = Array(expected.utf8), b = out.bytes
            let at = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            let from = max(0, at - 80)
            Issue.record("""
                \(name) differs at byte \(at):
                reference: \(String(decoding: a[from..<min(a.count, at + 80)], as: UTF8.self))
                compiled:  \(String(decoding: b[from..<min(b.count, at + 80)], as: UTF8.self))
                """, sourceLocation: sourceLocation)
        }
    }

    static let hostile = "<script>alert('x')</script> & \"quoted\" — zażółć 🙂"
    // Kept for the whole run, as the App keeps its formats: MoneyText and DateText do not
    // keep their format alive (see TemplateValues.swift).
    static let english = LocaleFormat(locale: .en, timeZone: TimeZone(identifier: "UTC")!)
    static let polish = LocaleFormat(locale: .pl, timeZone: TimeZone(identifier: "Europe/Warsaw")!)
    static func words(_ text: String) -> Words { Words(bytes: Array(text.utf8)) }

    func layout<Content>(_ page: Content, locale: AppLocale = .en, signedIn: Bool = true) -> PageLayout<Content> {
        let t = Self.catalogs[locale]
        return PageLayout(
            t: t, lang: locale.rawValue, title: "Title " + Self.hostile, csrf: "c5rf\"<>", page: page,
            nav: signedIn ? [NavItem(label: "Cases", href: "/merchant/cases?a=1&b=2", current: true),
                             NavItem(label: Self.hostile, href: "/settings", current: false)] : [],
            languages: AppLocale.allCases.map { LanguageOption(code: $0.rawValue, label: t("language_" + $0.rawValue), selected: $0 == locale) },
            returnTo: "/x?y=<1>", signedIn: signedIn, viewerLabel: signedIn ? "shop@example.com" : nil,
            flash: signedIn ? "Saved & sent" : nil)
    }

    static let errors = FieldErrors([
        "amount": "Amount <too> big", "answer": "Choose", "confirm": "Type the name", "documents": "Too large", "from": "Who?",
        "message": "Say why", "option": "Pick one", "outcome": "Decide", "refund": "Yes or no", "text": "Write", "to": "To whom",
        "current_password": "Not <it>", "new_password": "Too common &", "carrier": "Which <carrier>?", "tracking": "Bad & long",
        "received": "Arrived?", "url": "Not <https>", "events": "Choose & one", "emails": "Bad <address>", "name": "Name & it", "email": "Not <an> address", "shop": "Which <shop>", "currency": "ISO & 4217", "locale": "Pick <one>", "code": "Wrong <code>",
    ])

    static func caseView(inquiry: Bool = false, full: Bool = true) -> CaseView {
        let document = DocumentLink(name: "invoice <1>.pdf", href: "/documents/abc", size: "1,2 MB", type: "PDF")
        let entries = [
            TimelineEntry(time: DateText(date: Date(timeIntervalSince1970: 1_764_064_800), format: polish, withTime: true),
                          timeISO: MachineTime(date: Date(timeIntervalSince1970: 1_764_064_800)), actor: words("Customer <&>"),
                          heading: words("Case \"opened\""),
                          text: hostile, details: ["Not received", "<b>"], documents: [document], isInternal: false, kind: "case_opened",
                          hasDocuments: true),
            TimelineEntry(time: DateText(date: Date(timeIntervalSince1970: 1_764_154_800), format: english, withTime: true),
                          timeISO: MachineTime(date: Date(timeIntervalSince1970: 1_764_154_800)), actor: words("Service"),
                          heading: words("Note"),
                          text: nil, details: [], documents: [], isInternal: true, kind: "note", hasDocuments: false),
        ]
        return CaseView(
            number: "#42", state: "awaiting_customer", stateLabel: words("Waiting for <you>"), kindInquiry: inquiry,
            reasonLabel: full ? words("Not received") : nil, shopName: "Shop \"A\" & Co", orderNumber: "ORD-<1>",
            orderDate: DateText(date: Date(timeIntervalSince1970: 1_763_600_000), format: polish, withTime: false),
            orderValue: MoneyText(money: Money(minor: 24_999, currency: Currency(code: "PLN")!), format: polish),
            customerEmail: "anna@example.com",
            openedAt: DateText(date: Date(timeIntervalSince1970: 1_763_715_600), format: english, withTime: true),
            deadline: full ? DateText(date: Date(timeIntervalSince1970: 1_765_785_600), format: polish, withTime: true) : nil,
            daysLeft: full ? words("20 days & left") : nil, deadlinePassed: !full,
            replySummary: full ? "Refund of 249,99 zł" : nil, escalationLabel: full ? words("Disputed") : nil,
            closureLabel: full ? "Closed" : nil, decisionLabel: full ? "Payout" : nil,
            returnStatus: full ? "Sent back on 1.12 (DHL, tracking <1>)." : nil, pausedDaysLeft: full ? "17 days left" : nil,
            appealLabel: full ? "Customer, 2.12.2026" : nil, timeline: full ? entries : [],
            documents: full ? [document] : [], isOpen: full, fileHref: "/cases/a/file?x=<1>")
    }

    static let choices = [Choice(value: "yes", label: "Yes <b>", checked: false), Choice(value: "no", label: "No", checked: true)]
    static let requests = [RequestItem(party: "Customer", text: hostile, due: "01.12.2026")]

    @Test func generalPages() {
        for signedIn in [true, false] {
            same("home", layout(HomePage(continueHref: signedIn ? "/account" : nil, customerLogin: "/login",
                                         merchantLogin: "/merchant/login", serviceLogin: "/service/login"), signedIn: signedIn),
                 Template.home)
        }
        same("error", layout(ErrorPage(status: 404, heading: "Not found", text: Self.hostile, home: "/")), Template.error)
        for shop in ["Shop <&>", nil] {
            let export = ExportPage(
                action: "/service/export", shop: shop, shopId: shop == nil ? nil : "s\"1", from: "2026-09-01", to: Self.hostile,
                states: [SelectOption(value: "closed", label: "Closed & done", selected: shop == nil)],
                errors: shop == nil ? .none : Self.errors, backHref: "/service", backLabel: "Back <")
            same("export", layout(export, locale: shop == nil ? .pl : .en), Template.export)
        }
        for full in [true, false] {
            let page = CaseFilePage(
                title: "Case file #42", case: Self.caseView(full: full), generated: "1.12.2026 10:00", generatedIso: "2026-12-01T10:00:00Z",
                files: full ? [CaseFileDocument(name: Self.hostile, size: "1 KB", sha256: "ab<cd>")] : [], head: full ? "f00" : "",
                jsonHref: "/cases/a/file.json", backHref: "/cases/a")
            same("case_file", layout(page, locale: full ? .en : .pl), Template.caseFile)
        }
        let reference = APIReference.load(path: Self.root + "/docs/openapi.json")
        #expect(reference.operations.count == 3)
        let hostileOperation = APIOperation(
            anchor: "x", method: "GET", path: "/a/{id}", summary: Self.hostile, details: nil,
            parameters: [APIParameter(name: "id", location: "path", required: true, type: "string", meaning: nil)],
            requestExample: "{\"a\": \"<b>\"}", responses: [APIResponseDoc(status: "200", description: "OK & more", example: nil)])
        same(
            "api_docs",
            layout(APIDocsPage(title: "API", description: Self.hostile, specHref: "/api/v1/openapi.json", operations: reference.operations + [hostileOperation],
                                     webhooks: reference.webhooks + [hostileOperation])),
            Template.apiDocs)
        for sessions in [
            [SessionItem(id: "h1", device: "Firefox · <Linux>", started: "1.12.2026", lastUsed: "2.12.2026", current: true),
             SessionItem(id: "h2\"", device: Self.hostile, started: "1.12.2026", lastUsed: "1.12.2026", current: false)],
            [],
        ] {
            same("settings", layout(SettingsPage(email: "a@b.c", role: "Agent", locales: [
                LanguageOption(code: "en", label: "English", selected: true), LanguageOption(code: "pl", label: "Polski", selected: false),
            ], sessions: sessions, sessionsAction: "/settings/sessions", passwordAction: "/settings",
               errors: sessions.isEmpty ? .none : Self.errors, generalError: sessions.isEmpty ? nil : "Too many <tries>", minimum: 12,
               shopSettingsHref: sessions.isEmpty ? nil : "/merchant/settings?<x>", twoStepStatus: "On <b>",
               twoStepHref: "/settings/two-step?<x>")),
                 Template.settings)
        }
        for error in [nil, "Wrong <password>"] {
            same("auth/customer_login", layout(CustomerLoginPage(action: "/login", email: Self.hostile, error: error), signedIn: false),
                 Template.authCustomerLogin)
            same("auth/staff_login", layout(StaffLoginPage(action: "/service/login", heading: "Sign in", intro: "Agents",
                                                           email: "x@y.z", error: error, next: "/service/queue?x=1&y=2",
                                                           forgotHref: "/service/forgot-password")),
                 Template.authStaffLogin)
        }
        same("auth/check_email", layout(CheckEmailPage(), locale: .pl), Template.authCheckEmail)
        same("auth/forgot_password", layout(ForgotPasswordPage(action: "/merchant/forgot-password", email: Self.hostile,
                                                               loginHref: "/merchant/login"), signedIn: false), Template.authForgotPassword)
        for errors in [FieldErrors.none, Self.errors] {
            same("auth/reset_password", layout(ResetPasswordPage(action: "/password/reset/x", email: Self.hostile, errors: errors,
                                                                 minimum: 12), locale: .de, signedIn: false), Template.authResetPassword)
        }
        same("auth/link_invalid", layout(LinkInvalidPage(login: "/login"), locale: .de), Template.authLinkInvalid)
        for error in [nil, "Not <right>"] {
            same("auth/sign_in_code", layout(SignInCodePage(action: "/service/login/code", error: error, next: "/service/queue?a=1&b=<2>",
                                                            loginHref: "/service/login"), locale: error == nil ? .pl : .en, signedIn: false),
                 Template.authSignInCode)
        }
        let setup = TwoStepSetup(qrSide: 29, qrPath: "M4,4h7v1h-7z", secret: "ABCD EFGH <&>", account: Self.hostile)
        let on = TwoStepOn(since: "1.12.2026 10:00", codesLeft: "9 <codes> left")
        let codes = [RecoveryCodeItem(code: "abcde-fghij"), RecoveryCodeItem(code: "<x>&-y")]
        for (state, mustSetUp) in [(0, true), (1, false), (2, false), (1, true)] {
            let page = TwoStepPage(
                action: "/settings/two-step", mustSetUp: mustSetUp, off: state == 0, setup: state == 1 ? setup : nil,
                on: state == 2 ? on : nil, recoveryCodes: state == 2 ? codes : [], hasRecoveryCodes: state == 2,
                canTurnOff: !mustSetUp, errors: state == 0 ? .none : Self.errors, generalError: mustSetUp ? "Too <many>" : nil,
                doneHref: "/settings?<done>")
            same("two_step", layout(page, locale: AppLocale.allCases[state % 3]), Template.twoStep)
        }
    }

    @Test func customerPages() {
        let protection = AccountProtection(shop: "Shop & Co", orderNumber: "O-1", orderDate: "1.1.2026", value: "1 234,56 zł",
                                           href: "/protections/x", state: "active", stateLabel: "Active", caseLabel: "Case #1",
                                           nextHref: "/cases/x", nextLabel: "Answer", urgent: true)
        var quiet = protection
        quiet.caseLabel = nil
        quiet.nextHref = nil
        quiet.urgent = false
        for list in [[protection, quiet], []] {
            same("customer/account", layout(AccountPage(protections: list), locale: .pl), Template.customerAccount)
        }
        for (showForm, rejected) in [(true, true), (true, false), (false, false)] {
            let page = ProtectionPage(
                shop: "Shop", orderNumber: "O-<1>", orderDate: "1.1.2026", value: "10,00 zł", expires: "31.1.2026", state: "active",
                stateLabel: "Active", showForm: showForm, daysLeft: "3 days", action: "/protections/x/feedback",
                options: FeedbackOption.allCases.map { FeedbackChoice(value: $0.rawValue, label: $0.rawValue, hint: Self.hostile,
                                                                      checked: $0 == .other) },
                message: rejected ? Self.hostile : "", errors: rejected ? Self.errors : .none,
                generalError: rejected ? "Something <went> wrong" : nil, maxFiles: 10, maxFileMb: 10,
                upload: PartyMessageForm(action: "/protections/x/feedback", formId: "feedback"),
                caseHref: showForm ? nil : "/cases/y", caseLabel: showForm ? nil : "Case #7",
                inquiries: showForm ? [] : [InquiryLink(href: "/cases/z", label: "Inquiry of 1.1.2026")])
            same("customer/protection", layout(page), Template.customerProtection)
        }
        for (full, inquiry) in [(true, false), (false, false), (true, true)] {
            let page = CustomerCasePage(
                case: Self.caseView(inquiry: inquiry, full: full), errors: full ? Self.errors : .none,
                generalError: full ? "General <error>" : nil, message: Self.hostile, protectionHref: "/protections/p",
                maxFiles: 10, maxFileMb: 10,
                answerForm: full ? AnswerForm(action: "/cases/c/answer", answers: Self.choices, variantIntro: "Variant C", formId: "answer") : nil,
                messageForm: full ? PartyMessageForm(action: "/cases/c/messages", formId: "message") : nil,
                returnForm: full
                    ? ReturnForm(
                        action: "/cases/c/return", formId: "return",
                        carriers: [SelectOption(value: "dhl", label: "DHL <x>", selected: true)], tracking: Self.hostile,
                        pauseHint: "Paused & kept") : nil,
                appealForm: full ? AppealForm(action: "/cases/c/appeal", formId: "appeal", until: "15.12.2026 <10:00>") : nil,
                requests: full ? Self.requests : [])
            same("customer/case", layout(page, locale: .de), Template.customerCase)
        }
    }

    @Test func merchantPages() {
        let pl = Self.polish
        let date = Date(timeIntervalSince1970: 1_767_261_600)
        let row = MerchantCaseRow(href: CaseLink(page: .merchant, id: "a"), number: CaseNumberText(number: 1), orderNumber: "O-<1>", customer: "c@x.y",
                                  value: MoneyText(money: Money(minor: 123_456_789, currency: Currency(code: "PLN")!), format: pl),
                                  reason: Self.words("Not <received>"), state: StateName(state: .awaitingMerchant), stateLabel: Self.words("Waiting & \"x\""),
                                  opened: DateText(date: date, format: pl, withTime: false),
                                  due: DateText(date: date, format: pl, withTime: true), daysLeft: Self.words("1 day"), urgent: true)
        let closed = MerchantCaseRow(href: CaseLink(page: .merchant, id: "b<\"&"), number: CaseNumberText(number: 2), orderNumber: "O-2", customer: InlineText(Self.hostile),
                                     value: MoneyText(money: Money(minor: -100, currency: Currency(code: "EUR")!), format: Self.english),
                                     reason: Self.words(""), state: StateName(state: .closed), stateLabel: Self.words(Self.hostile),
                                     opened: DateText(date: date, format: Self.english, withTime: false), due: nil, daysLeft: nil,
                                     urgent: false)
        for (rows, waiting) in [([row, closed], 3 as Int?), ([], nil)] {
            let page = MerchantCasesPage(
                search: SearchBox(action: "/merchant/search", query: waiting == nil ? "" : Self.hostile, hint: "Number <or> email"),
                exportHref: "/merchant/export?state=<x>",
                shop: "Shop & Co", insolvent: waiting == nil, cases: rows,
                filters: [NavItem(label: "All", href: "/merchant/cases", current: true), NavItem(label: "Waiting (3)", href: "/merchant/cases?state=x", current: false)],
                waiting: waiting, previousHref: waiting.map { _ in "/merchant/cases?page=1" }, nextHref: "/merchant/cases?page=3", page: 2)
            same("merchant/cases", layout(page), Template.merchantCases)
            let search = MerchantSearchPage(
                search: SearchBox(action: "/merchant/search", query: Self.hostile, hint: "Hint & more"),
                notice: rows.isEmpty ? "Nothing <matches>" : nil, cases: rows, truncated: waiting != nil, listHref: "/merchant/cases")
            same("merchant/search", layout(search), Template.merchantSearch)
        }
        for full in [true, false] {
            let page = MerchantCasePage(
                case: Self.caseView(full: full), customerMessage: full ? Self.hostile : nil, insolvent: !full,
                errors: full ? Self.errors : .none, generalError: full ? "No" : nil, message: "typed", listHref: "/merchant/cases",
                maxFiles: 10, maxFileMb: 10, replyHref: full ? "/merchant/cases/a/reply" : nil,
                messageForm: full ? PartyMessageForm(action: "/merchant/cases/a/messages", formId: "message") : nil,
                receiptForm: full ? ReceiptForm(action: "/merchant/cases/a/return-receipt", choices: Self.choices, intro: "5 <days>") : nil,
                appealForm: full ? nil : AppealForm(action: "/merchant/cases/a/appeal", formId: "appeal", until: "1.1.2027"),
                requests: full ? Self.requests : [])
            same("merchant/case", layout(page), Template.merchantCase)
            let reply = ReplyPage(
                number: "#9", caseHref: "/merchant/cases/a", action: "/merchant/cases/a/reply", orderNumber: "O-9", orderValue: "249,99 zł",
                customerEmail: "c@x.y", reason: "Refund missing", customerMessage: full ? "<please>" : nil, options: Self.choices,
                amount: "249,99", currency: "PLN", message: Self.hostile, errors: full ? Self.errors : .none, generalError: nil,
                due: full ? "5.1.2026" : nil, daysLeft: full ? "2 days" : nil, maxFiles: 10, maxFileMb: 10, closed: !full, formId: "reply")
            same("merchant/reply", layout(reply, locale: .pl), Template.merchantReply)
        }
    }

    @Test func servicePages() {
        let date = Date(timeIntervalSince1970: 1_767_261_600)
        let item = QueueItem(href: CaseLink(page: .service, id: "a"), number: CaseNumberText(number: 3), shop: "Shop <3>", shopFilterHref: JoinedText(ends: .init(head: "/service/queue?shop=&a=\"", tail: "x=<1>"), middle: "s&"),
                             orderNumber: "O-3", value: MoneyText(money: Money(minor: 300, currency: Currency(code: "PLN")!), format: Self.english),
                             reason: Self.words("No <response>"), waiting: Self.words("2 days"),
                             queued: DateText(date: date, format: Self.english, withTime: true),
                             agent: "agent@x.y", assigned: true, documentsDue: "5.1.2026", awaitingApproval: true, appeal: true)
        let unassigned = QueueItem(href: CaseLink(page: .service, id: "b"), number: CaseNumberText(number: 4), shop: "S", shopFilterHref: JoinedText(ends: .init(head: "/q", tail: ""), middle: ""), orderNumber: "O-4",
                                   value: MoneyText(money: Money(minor: 400, currency: Currency(code: "USD")!), format: Self.english),
                                   reason: Self.words("Inquiry"), waiting: Self.words(Self.hostile),
                                   queued: DateText(date: date, format: Self.english, withTime: true), agent: "Unassigned",
                                   assigned: false, documentsDue: nil, awaitingApproval: false, appeal: false)
        let options = [SelectOption(value: "inquiry", label: "Inquiry", selected: true), SelectOption(value: "x", label: "X & Y", selected: false)]
        for items in [[item, unassigned], []] {
            let page = QueuePage(search: SearchBox(action: "/service/search", query: "", hint: Self.hostile),
                                 items: items, reasons: options,
                                 shopFilter: items.isEmpty ? nil : ShopFilter(name: "Shop <f>", clearHref: "/service/queue", id: "s"),
                                 assignees: options, approvalOnly: !items.isEmpty, action: "/service/queue", previousHref: nil,
                                 nextHref: items.isEmpty ? nil : "/service/queue?page=2", page: 1, filtered: !items.isEmpty,
                                 clearHref: "/service/queue",
                                 mailReplies: items.isEmpty ? [] : [
                                    MailReplyItem(sender: "x@<evil>", received: "1.12.2026", subject: Self.hostile, why: "Unverified <reply>",
                                                  caseHref: "/service/cases/a?<x>", caseNumber: "#1", text: Self.hostile + "\nline two",
                                                  doneAction: "/service/mail-replies/1/done"),
                                    MailReplyItem(sender: "y@z", received: "1.12.2026", subject: "", why: "Nowhere", caseHref: nil,
                                                  caseNumber: nil, text: "", doneAction: "/service/mail-replies/2/done"),
                                 ])
            same("service/queue", layout(page), Template.serviceQueue)
            let row = ServiceSearchRow(href: CaseLink(page: .service, id: "a"), number: "#5", shop: Self.hostile, shopHref: "/service/shops/s",
                                       orderNumber: "O-<5>", customer: "c@x.y", value: "5,00 zł", kind: "Inquiry", state: "escalated",
                                       stateLabel: "With us", opened: "1.1.2026")
            let search = ServiceSearchPage(
                search: SearchBox(action: "/service/search", query: Self.hostile, hint: "Hint"),
                notice: items.isEmpty ? "Nothing" : nil, cases: items.isEmpty ? [] : [row, row],
                shops: items.isEmpty ? [] : [NavItem(label: "Shop <1>", href: "/service/shops/s", current: false)],
                truncated: !items.isEmpty)
            same("service/search", layout(search, locale: .de), Template.serviceSearch)
        }
        for full in [true, false] {
            var decision = ServiceForm(action: "/service/cases/a/decision", errors: Self.errors, text: Self.hostile)
            decision.outcomes = Self.choices
            decision.amount = "10,00"
            decision.currency = "PLN"
            decision.approvalAbove = full ? "1 000,00 zł" : nil
            var message = ServiceForm(action: "/service/cases/a/message", errors: .none, text: "")
            message.recipients = Self.choices
            var request = ServiceForm(action: "/service/cases/a/request-documents", errors: .none, text: "")
            request.parties = Self.choices
            request.days = 7
            let page = ServiceCasePage(
                case: Self.caseView(inquiry: !full, full: full), shopHref: "/service/shops/s", shopInsolvent: full,
                coverageLimit: "2 500,00 zł", assignedTo: full ? "agent@x.y" : nil, requests: full ? Self.requests : [],
                queueHref: "/service/queue", generalError: full ? "Oops" : nil, assignAction: full ? nil : "/service/cases/a/assign",
                noteForm: ServiceForm(action: "/service/cases/a/note", errors: .none, text: ""),
                answerForm: full ? nil : ServiceForm(action: "/service/cases/a/answer", errors: Self.errors, text: "typed"),
                messageForm: full ? message : nil, requestForm: full ? request : nil, decisionForm: full ? decision : nil,
                proposal: ProposalView(
                    amount: "2 000,00 zł", proposer: "a1@x.y", proposedAt: "1.12.2026", text: Self.hostile,
                    approveAction: full ? "/service/cases/a/approve-payout" : nil,
                    returnForm: full ? ServiceForm(action: "/service/cases/a/return-payout", errors: Self.errors, text: "no <") : nil),
                appealNotice: full ? "Customer appealed <x>" : nil)
            same("service/case", layout(page), Template.serviceCase)
            let shop = ShopPage(
                name: "Shop <s>", emails: full ? ["a@x.y", "b@x.y"] : [], merchants: full ? ["m@x.y"] : [], currency: "PLN",
                coverageLimit: "2 500,00 zł", locale: "Polski", created: "1.1.2026", insolventSince: full ? "2.2.2026" : nil,
                states: [CountRow(label: "Escalated", count: 3)], activeProtections: 12, queueHref: "/service/queue?shop=s",
                exportHref: "/service/export?shop=s",
                action: "/service/shops/s/insolvency", errors: full ? .none : Self.errors, generalError: nil, confirm: "Shop",
                webhooksHref: full ? "/service/shops/s/webhooks" : nil)
            same("service/shop", layout(shop), Template.serviceShop)
            let hooks = WebhookListPage(
                shop: Self.hostile, backHref: "/settings", backLabel: "Settings <", docsHref: "/api/docs#webhooks",
                endpoints: full
                    ? [WebhookRow(url: "https://x.example/h?a=1&b=<2>", href: "/merchant/webhooks/a", events: "case.opened, case.closed",
                                  created: "1.12.2026", waiting: 3),
                       WebhookRow(url: Self.hostile, href: "/merchant/webhooks/b", events: "case.closed", created: "2.12.2026", waiting: nil)]
                    : [],
                action: "/merchant/webhooks", url: full ? "" : "http://<typed>",
                eventChoices: [WebhookEventChoice(id: "case-opened", value: "case.opened", label: "opened <x>", selected: full),
                               WebhookEventChoice(id: "case-closed", value: "case.closed", label: Self.hostile, selected: !full)],
                errors: full ? .none : Self.errors)
            same("webhooks/list", layout(hooks, locale: full ? .en : .pl), Template.webhooksList)
            let delivery = WebhookDeliveryRow(
                id: "dlv_x\"", event: "case.opened", created: "1.12.2026 10:00", state: "pending", stateLabel: "Waiting <",
                status: "500", duration: "12 ms", attempts: 2, next: "1.12.2026 10:05", error: "receiver answered <500>")
            let endpoint = WebhookPage(
                shop: "Shop <s>", listHref: "/merchant/webhooks", url: Self.hostile, events: ["case.opened", "case.<closed>"],
                created: "1.12.2026", newSecret: full ? "whsec_<abc>" : nil, previousSecretUntil: full ? nil : "2.12.2026 10:00",
                rotateAction: "/merchant/webhooks/a/rotate", deleteAction: "/merchant/webhooks/a/delete",
                resendAction: "/merchant/webhooks/a/resend", deliveries: full ? [delivery, delivery] : [])
            same("webhooks/endpoint", layout(endpoint, locale: full ? .de : .en), Template.webhooksEndpoint)
            let settings = MerchantSettingsPage(
                shop: Self.hostile, emails: full ? "a@x.y\nb@x.y" : "not <an> address", emailsAction: "/merchant/settings/notifications",
                keys: full
                    ? [APIKeyRow(id: "k1\"", name: Self.hostile, created: "1.12.2026", revoked: nil),
                       APIKeyRow(id: "k2", name: "ERP", created: "2.12.2026", revoked: "3.12.2026")]
                    : [],
                keyAction: "/merchant/settings/api-keys", revokeAction: "/merchant/settings/api-keys/revoke",
                keyName: full ? "" : "<typed>", newKey: full ? "bpk_<new>" : nil,
                colleagues: full
                    ? [ColleagueRow(id: "u1\"", email: "a@x.y", state: "Owner", canDeactivate: false),
                       ColleagueRow(id: "u2", email: Self.hostile, state: "Invited <x>", canDeactivate: true)]
                    : [],
                colleagueAction: "/merchant/settings/colleagues", deactivateAction: "/merchant/settings/colleagues/deactivate",
                inviteEmail: full ? "" : "<typed>", webhooksHref: "/merchant/webhooks",
                apiDocsHref: "/api/docs", errors: full ? .none : Self.errors)
            same("merchant/settings", layout(settings, locale: full ? .pl : .en), Template.merchantSettings)
            let audit = AuditPage(
                action: "/service/admin/audit", actor: full ? "" : "<typed>", shop: full ? "" : "s\"1",
                actions: [SelectOption(value: "webhook.added", label: "Webhook <added>", selected: !full)],
                entries: full
                    ? [AuditRow(at: "1.12.2026", actor: "a@x.y", client: "127.0.0.1", action: "Added", shop: Self.hostile,
                                shopHref: "/service/shops/s", target: Self.hostile, details: nil),
                       AuditRow(at: "2.12.2026", actor: "b@x.y", client: "::1", action: "Revoked <x>", shop: "", shopHref: nil,
                                target: "ERP", details: "a, b <c>")]
                    : [],
                olderHref: full ? "/service/admin/audit?before=5&action=x" : nil)
            same("service/audit", layout(audit, locale: full ? .de : .en), Template.serviceAudit)
            let admin = AdminPage(
                newKey: full ? NewShopKey(shop: Self.hostile, shopHref: "/service/shops/s", key: "bpk_<k>") : nil,
                shops: full
                    ? [AdminShopRow(id: "s\"1", name: Self.hostile, href: "/service/shops/s", editHref: "/service/admin/shops/s?<x>",
                                    currency: "PLN", created: "1.12.2026",
                                    rotateAction: "/service/admin/shops/s/rotate-key")]
                    : [],
                shopsPager: Pager(page: full ? 2 : 1, previousHref: full ? "/service/admin?staff=2&<x>" : nil,
                                  nextHref: full ? "/service/admin?shops=3#shops-heading" : nil),
                users: [AdminUserRow(id: "u1", email: "a@x.y", role: "Agent · admin", shop: "", state: "Active", deactivated: false, changeable: false,
                                     twoStepOn: true),
                        AdminUserRow(id: "u2\"", email: Self.hostile, role: "Merchant", shop: "Shop <s>", state: "Deactivated 1.12.2026",
                                     deactivated: true, changeable: true, twoStepOn: full)],
                usersPager: Pager(page: 1, previousHref: nil, nextHref: full ? "/service/admin?staff=2" : nil),
                shopAction: "/service/admin/shops", userAction: "/service/admin/users", stateAction: "/service/admin/users/state",
                typedName: full ? "" : "<name>", typedEmails: "a@x.y", typedCurrency: "PLN", typedAmount: "2500.00",
                locales: [SelectOption(value: "pl", label: "Polski", selected: true)], typedEmail: full ? "" : "<e>", typedShop: "",
                roles: [SelectOption(value: "merchant", label: "Merchant", selected: true)], errors: full ? .none : Self.errors)
            same("service/admin", layout(admin, locale: full ? .en : .pl), Template.serviceAdmin)
            let editShop = AdminShopPage(
                shop: Self.hostile, shopHref: "/service/shops/s", action: "/service/admin/shops/s", name: full ? "Shop" : "<typed>",
                emails: "a@x.y\nb@x.y", currency: "PLN", amount: full ? "2500.00" : "-5 <x>",
                locales: [SelectOption(value: "de", label: "Deutsch", selected: full)], errors: full ? .none : Self.errors)
            same("service/admin_shop", layout(editShop), Template.serviceAdminShop)
            let row = MailRow(to: "a@x.y", subject: Self.hostile, state: "failed", stateLabel: "Failed", attempts: 3, next: "",
                              error: "exit 1 <stderr>", sent: "", href: "/service/mail/1?x=<y>",
                              retryAction: full ? "/service/mail/1/retry" : nil)
            same("service/mail", layout(MailPage(waiting: full ? [row] : [], failedCount: full ? 1 : nil, recent: full ? [row] : [])),
                 Template.serviceMail)
            let oneMail = MailMessagePage(
                to: "a@x.y", subject: Self.hostile, state: "sent", stateLabel: "Sent", sent: full ? "1.12.2026" : nil,
                text: "Hello <b>\nhttp://x/login/…", html: "<p>Hi & bye</p>", backHref: "/service/mail")
            same("service/mail_message", layout(oneMail, locale: full ? .en : .pl), Template.serviceMailMessage)
        }
        let chart = BarChart(title: "By state", width: 400, height: 100,
                             rows: [BarRow(label: Self.hostile, count: 3, labelY: 18, barY: 24, barWidth: 300, countX: 306, countY: 36)])
        let week = WeekChart(title: "Weekly", width: 640, height: 240, left: 36, openedLabel: "Opened", closedLabel: "Closed <c>",
                             openedLabelX: 52, closedKeyX: 176, closedLabelX: 192, axisY: 200, axisEnd: 636, maxValue: 9, maxY: 38,
                             bars: [WeekBar(x: "38.0", closedX: "60.0", bar: "20.0", opened: 3, openedY: "100.0", openedHeight: "100.0",
                                            closed: 2, closedY: "120.0", closedHeight: "80.0", hasLabel: true, label: "1.1.", labelY: 214),
                                    WeekBar(x: "88.0", closedX: "110.0", bar: "20.0", opened: 0, openedY: "200.0", openedHeight: "0.0",
                                            closed: 0, closedY: "200.0", closedHeight: "0.0", hasLabel: false, label: "8.1.", labelY: 214)])
        for shops in [[ShopCount(name: "Shop <1>", count: 4, href: "/service/shops/1")], []] {
            let page = DashboardPage(
                queued: 5, queueHref: "/service/queue", exportHref: "/service/export", states: [CountRow(label: "Escalated", count: 5)], reasons: [],
                statesChart: chart, reasonsChart: chart, weeklyChart: week,
                weekly: [WeekRow(week: "1.1.2026", opened: 3, closed: 2)], medianReply: "3 hours", medianClosure: "2,5 days",
                repliesCounted: 10, closuresCounted: 0, shops: shops, shopsChart: chart)
            same("service/dashboard", layout(page, locale: .de), Template.serviceDashboard)
        }
    }

    @Test(arguments: AppLocale.allCases)
    func mailParts(locale: AppLocale) {
        for full in [true, false] {
            let message = MailMessage(
                t: Self.catalogs[locale], lang: locale.rawValue, subject: "Subject " + Self.hostile, heading: Self.hostile,
                paragraphs: full ? ["First <p>", "Second & last"] : [], quote: full ? Self.hostile + "\nline 2" : nil,
                quoteLabel: full ? "The merchant wrote" : nil,
                facts: full ? [MailContent.Fact(label: "Order", value: "O-<1>"), MailContent.Fact(label: "Value", value: "1 234,56 zł")] : [],
                action: full ? MailContent.Action(label: "Enter your response here", url: "http://127.0.0.1:8080/login/abc?next=/x&y") : nil)
            same("mail/message.txt", message, Template.mailMessageTxt)
            same("mail/message.html", message, Template.mailMessageHtml)
        }
    }

    /// Every template that names its model is compiled into the target that declares it.
    @Test func everyTemplateWithAModelIsCompiled() throws {
        let base = Self.root + "/Templates"
        var named: [String] = []
        for relative in FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? [] where relative.hasSuffix(".mustache") {
            if try String(contentsOfFile: base + "/" + relative, encoding: .utf8).hasPrefix("{{! model:") {
                named.append(String(relative.dropLast(".mustache".count)))
            }
        }
        #expect(named.sorted() == (Web.Template.compiled + Mail.Template.compiled).sorted())
        #expect(named.count == 36)
    }
}

/// Hands a typed model to swift-mustache the way it reads values: by the template's name
/// (`order_number`) for the Swift property (`orderNumber`), stored ones through Mirror and
/// the computed ones the models declare through `computedForReference`.
struct Reflected: MustacheParent {
    let value: Any

    init(_ value: Any) { self.value = value }

    func child(named name: String) -> Any? {
        if let catalog = value as? Catalog { return catalog(name) }
        let swiftName = Self.swiftName(name)
        if let computed = (value as? ComputedForReference)?.computedForReference[swiftName] { return Self.wrap(computed) }
        for child in Mirror(reflecting: value).children where child.label == swiftName { return Self.wrap(child.value) }
        return nil
    }

    static func wrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first else { return nil }
            return wrap(wrapped.value)
        }
        switch value {
        case is String, is Int, is Bool: return value
        case let text as TemplateText: return text.text
        case let array as [Any]: return array.compactMap(wrap)
        default: return Reflected(value)
        }
    }

    static func swiftName(_ name: String) -> String {
        var out = ""
        var upper = false
        for char in name {
            if char == "_" { upper = !out.isEmpty } else { out += upper ? char.uppercased() : String(char); upper = false }
        }
        return out
    }
}

/// Computed properties, which Mirror does not see.
protocol ComputedForReference {
    var computedForReference: [String: Any] { get }
}

extension AccountPage: ComputedForReference { var computedForReference: [String: Any] { ["hasProtections": hasProtections] } }
extension ProtectionPage: ComputedForReference { var computedForReference: [String: Any] { ["hasInquiries": hasInquiries] } }
extension CustomerCasePage: ComputedForReference { var computedForReference: [String: Any] { ["hasRequests": hasRequests] } }
extension MerchantCasesPage: ComputedForReference { var computedForReference: [String: Any] { ["hasCases": hasCases] } }
extension MerchantCasePage: ComputedForReference { var computedForReference: [String: Any] { ["hasRequests": hasRequests] } }
extension Pager: ComputedForReference { var computedForReference: [String: Any] { ["isNeeded": isNeeded] } }
extension QueuePage: ComputedForReference {
    var computedForReference: [String: Any] { ["hasItems": hasItems, "hasMailReplies": hasMailReplies] }
}
extension ServiceCasePage: ComputedForReference { var computedForReference: [String: Any] { ["hasRequests": hasRequests] } }
extension MailPage: ComputedForReference { var computedForReference: [String: Any] { ["hasWaiting": hasWaiting, "hasRecent": hasRecent] } }
extension DashboardPage: ComputedForReference { var computedForReference: [String: Any] { ["hasShops": hasShops] } }
extension MerchantSearchPage: ComputedForReference { var computedForReference: [String: Any] { ["hasCases": hasCases] } }
extension ServiceSearchPage: ComputedForReference {
    var computedForReference: [String: Any] { ["hasCases": hasCases, "hasShops": hasShops] }
}
extension APIDocsPage: ComputedForReference { var computedForReference: [String: Any] { ["hasWebhooks": hasWebhooks] } }
extension APIOperation: ComputedForReference { var computedForReference: [String: Any] { ["hasParameters": hasParameters] } }
extension SettingsPage: ComputedForReference { var computedForReference: [String: Any] { ["hasOtherSessions": hasOtherSessions] } }
extension CaseFilePage: ComputedForReference { var computedForReference: [String: Any] { ["hasFiles": hasFiles] } }
extension MailMessage: ComputedForReference { var computedForReference: [String: Any] { ["hasFacts": hasFacts] } }
extension AuditPage: ComputedForReference { var computedForReference: [String: Any] { ["hasEntries": hasEntries] } }
extension WebhookListPage: ComputedForReference { var computedForReference: [String: Any] { ["hasEndpoints": hasEndpoints] } }
extension WebhookPage: ComputedForReference { var computedForReference: [String: Any] { ["hasDeliveries": hasDeliveries] } }

/// A state's class name is written from a static string: it must be the state's raw
/// value, for every state.
@Suite struct StateNameTests {
    @Test func everyStateIsWrittenAsItsRawValue() {
        for state in CaseState.allCases {
            var out = TemplateOutput()
            StateName(state: state).write(into: &out, html: true)
            #expect(String(decoding: out.bytes, as: UTF8.self) == state.rawValue)
            #expect(StateName(state: state).text == state.rawValue)
        }
    }
}
