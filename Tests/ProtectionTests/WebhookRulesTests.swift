import Testing
@testable import Protection

@Suite struct WebhookRulesTests {
    let strict = WebhookAddressPolicy()
    let local = WebhookAddressPolicy(allowHTTP: true, allowPrivate: true)

    @Test(arguments: [
        ("https://shop.example/hooks/bp", "shop.example", 443), ("https://SHOP.example:8443/x?y=1", "shop.example", 8443),
        ("https://[2001:4860:4860::8888]/h", "2001:4860:4860::8888", 443), ("https://8.8.8.8/h", "8.8.8.8", 443),
    ])
    func publicHTTPSAddressesAreAccepted(url: String, host: String, port: Int) {
        #expect(strict.check(url: url) == .success(.init(scheme: "https", host: host, port: port)))
    }

    @Test(arguments: [
        ("http://shop.example/h", WebhookAddressPolicy.Refusal.notHTTPS), ("ftp://shop.example/", .notHTTPS),
        ("shop.example/h", .malformed), ("https://", .malformed), ("https://user:pw@shop.example/", .credentials),
        ("https://127.0.0.1/h", .privateAddress), ("https://10.1.2.3/", .privateAddress), ("https://192.168.0.1/", .privateAddress),
        ("https://172.16.5.4/", .privateAddress), ("https://169.254.169.254/latest/meta-data", .privateAddress),
        ("https://100.64.0.1/", .privateAddress), ("https://0.0.0.0/", .privateAddress), ("https://[::1]/", .privateAddress),
        ("https://[fe80::1]/", .privateAddress), ("https://[fd00::1]/", .privateAddress),
        ("https://[::ffff:127.0.0.1]/", .privateAddress), ("https://[64:ff9b::a00:1]/", .privateAddress),
        ("https://localhost/h", .privateAddress), ("https://a.localhost/h", .privateAddress),
        ("https://shop.example:0/", .malformed), ("https://shop.example:99999/", .malformed), ("https://shop.example:x/", .malformed),
        ("https://shop.example/h#frag", .malformed), ("https://shop example/", .malformed), ("https://shöp.example/", .malformed),
        ("https://shop.example/\u{0}", .malformed), ("https://[::1/", .malformed),
    ])
    func unsafeOrMalformedURLsAreRefused(url: String, refusal: WebhookAddressPolicy.Refusal) {
        #expect(strict.check(url: url) == .failure(refusal))
    }

    @Test func aVeryLongURLIsRefused() {
        #expect(strict.check(url: "https://shop.example/" + String(repeating: "a", count: 2000)) == .failure(.tooLong))
    }

    @Test func theLocalSettingsAllowAReceiverOnThisMachine() {
        #expect(local.check(url: "http://127.0.0.1:9000/hook") == .success(.init(scheme: "http", host: "127.0.0.1", port: 9000)))
        #expect(WebhookAddressPolicy(allowHTTP: true).check(url: "http://127.0.0.1:9000/hook") == .failure(.privateAddress))
        #expect(WebhookAddressPolicy(allowPrivate: true).check(url: "http://127.0.0.1:9000/hook") == .failure(.notHTTPS))
    }

    @Test(arguments: [
        ("8.8.8.8", true), ("1.1.1.1", true), ("172.32.0.1", true), ("192.0.1.1", true), ("223.255.255.255", true),
        ("224.0.0.1", false), ("255.255.255.255", false), ("198.18.0.1", false), ("192.0.2.1", false), ("203.0.113.9", false),
        ("2a00:1450:4001:81d::200e", true), ("::", false), ("ff02::1", false), ("2001:db8::1", false), ("::ffff:8.8.8.8", true),
    ])
    func addressesAreClassified(text: String, isPublic: Bool) {
        #expect(IPAddress.parse(text)?.isPublic == isPublic)
    }

    @Test(arguments: ["1.2.3", "1.2.3.256", "01.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1"])
    func malformedAddressesAreNotAddresses(text: String) {
        #expect(IPAddress.parse(text) == nil)
    }

    @Test func onlyWhatTheMerchantMayReadReachesTheShop() {
        let everyone = EventDraft(kind: .partyMessage, actor: .customer("a@b.c"))
        #expect(WebhookEventType.of(everyone, caseKind: .claim) == .caseMessage)
        #expect(WebhookEventType.of(everyone, caseKind: .inquiry) == nil)
        let toCustomer = EventDraft(kind: .serviceMessage, actor: .agent("a"), audience: [.customer, .agent])
        #expect(WebhookEventType.of(toCustomer, caseKind: .claim) == nil)
        #expect(WebhookEventType.of(EventDraft(kind: .note, actor: .agent("a"), audience: .agentsOnly), caseKind: .claim) == nil)
        let mapped: [(EventKind, WebhookEventType)] = [
            (.caseOpened, .caseOpened), (.merchantReplied, .caseReplied), (.customerAnswered, .caseAnswered),
            (.escalated, .caseEscalated), (.documentsRequested, .caseDocumentsRequested), (.decision, .caseDecided),
            (.payoutApproved, .caseDecided), (.closed, .caseClosed),
        ]
        for (kind, type) in mapped { #expect(WebhookEventType.of(EventDraft(kind: kind, actor: .system), caseKind: .claim) == type) }
    }

    @Test func subscriptionsRoundTripAndDropUnknownNames() {
        #expect(WebhookEventType.parseList("case.closed,bogus,case.opened") == [.caseOpened, .caseClosed])
        #expect(WebhookEventType.list([.caseClosed, .caseOpened]) == "case.opened,case.closed")
    }

    @Test func retriesBackOffAndStopAfterThreeDays() {
        #expect(WebhookRetry.delay(afterAttempts: 1, secondsSinceCreated: 0) == 60)
        #expect(WebhookRetry.delay(afterAttempts: 5, secondsSinceCreated: 3000) == 3600)
        #expect(WebhookRetry.delay(afterAttempts: 40, secondsSinceCreated: 86_400) == 28_800)
        #expect(WebhookRetry.delay(afterAttempts: 20, secondsSinceCreated: 3 * 86_400 - 100) == 100)
        #expect(WebhookRetry.delay(afterAttempts: 21, secondsSinceCreated: 3 * 86_400) == nil)
        // Within an hour of a receiver coming back, a delivery that failed all along is tried again.
        var age = 0.0, attempts = 0
        while age < 3600 { attempts += 1; age += WebhookRetry.delay(afterAttempts: attempts, secondsSinceCreated: age)! }
        #expect(age - 3600 <= 3600)
    }
}
