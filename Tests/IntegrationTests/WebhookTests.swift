import Foundation
import Testing

/// Signed webhooks through nginx to a real receiver on 127.0.0.1 (allowed for the test):
/// the shop's owner registers an endpoint in the Control Centre, a case's life arrives
/// in order and every delivery verifies with the README's Python and PHP snippets; a
/// receiver that is down, fails, redirects, hangs or answers 10 MB is retried and logged;
/// unsafe URLs are refused beside the field and nothing is stored.
@Suite(.serialized) struct WebhookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let bodiesLog = root + "/.build/webhook-bodies.jsonl"
    static let local = ["BP_WEBHOOK_ALLOW_HTTP": "1", "BP_WEBHOOK_ALLOW_PRIVATE": "1"]

    /// The receiver script as a process, its log and the file that says how it answers.
    final class Receiver {
        let folder: String
        var process: Process?
        var port = 0
        var log: String { folder + "/requests.jsonl" }
        var modeFile: String { folder + "/mode" }

        init() throws {
            folder = NSTemporaryDirectory() + "bp-hooks-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            mode("ok")
        }

        func start(port wanted: Int = 0) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [WebhookTests.root + "/Tests/IntegrationTests/Support/webhook_receiver.py", String(wanted), log, modeFile]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            self.process = process
            let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw HTTPFailure(description: "receiver did not start: \(line)")
            }
            self.port = port
        }

        /// SIGKILL: the test process may hold SIGTERM blocked, and children inherit that.
        func stop() {
            if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process?.waitUntilExit()
            process = nil
        }

        func mode(_ mode: String) { try? mode.write(toFile: modeFile, atomically: true, encoding: .utf8) }

        struct Request { let headers: [String: String]; let body: String }

        func requests() -> [Request] {
            guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { line in
                guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
                return Request(headers: json["headers"] as? [String: String] ?? [:], body: json["body"] as? String ?? "")
            }
        }

        func cleanUp() {
            stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Whether the README's snippet in `language` (python3 or php) accepts the delivery.
    static func verifies(_ request: Receiver.Request, secret: String, with language: String, tolerance: Int = 300) throws -> Bool {
        let snippet = root + "/docs/webhooks/verify." + (language == "php" ? "php" : "py")
        let executable = language == "php" ? Stack.which("php") : "/usr/bin/python3"
        let header = request.headers["BP-Signature"] ?? request.headers["Bp-Signature"] ?? ""
        let result = try Stack.capture(
            executable, [snippet, secret, header, String(tolerance)], env: ProcessInfo.processInfo.environment, stdin: request.body)
        return result.status == 0
    }

    /// Every delivered body, for scripts/validate-api to check against docs/openapi.json.
    static func record(_ requests: [Receiver.Request]) {
        let lines = requests.map { $0.body + "\n" }.joined()
        if !FileManager.default.fileExists(atPath: bodiesLog) { FileManager.default.createFile(atPath: bodiesLog, contents: nil) }
        if let handle = FileHandle(forWritingAtPath: bodiesLog) {
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data(lines.utf8))
            try? handle.close()
        }
    }

    static func json(_ body: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
    }

    /// A merchant of the world's shop who owns it, signed in.
    static func owner(_ world: World) throws -> Browser {
        let made = try world.stack.run(
            ["admin", "create-user", "--role", "merchant", "--shop", world.shopID, "--email", "owner@shop.example", "--owner"],
            stdin: world.password + "\n")
        guard made.status == 0 else { throw HTTPFailure(description: "create-user --owner: \(made.stderr)") }
        return try world.staff("/merchant/login", "owner@shop.example")
    }

    /// Registers an endpoint through the form; returns its id and the secret shown once.
    static func register(_ owner: Browser, url: String, events: [String]) throws -> (id: String, secret: String) {
        try owner.get("/merchant/webhooks")
        let page = try owner.post("/merchant/webhooks", [("url", url)] + events.map { ("events", $0) })
        #expect(page.status == 200, "\(page.text.prefix(400))")
        #expect(page.header("Cache-Control") == "no-store")
        guard let secret = Browser.firstMatch("(whsec_[a-z2-7]{52})", in: page.text),
            let id = Browser.firstMatch("/merchant/webhooks/([a-z2-7]{26})/rotate", in: page.text)
        else { throw HTTPFailure(description: "no secret or endpoint on the page: \(page.text.prefix(2000))") }
        return (id, secret)
    }

    static let allEvents = [
        "case.opened", "case.replied", "case.answered", "case.escalated", "case.message", "case.documents_requested",
        "case.decided", "case.closed", "protection.expired",
    ]

    @Test func aCaseLifeReachesTheShopInOrderAndEveryDeliveryVerifies() throws {
        let stack = try Stack(environment: Self.local)
        defer { stack.stop() }
        let receiver = try Receiver()
        defer { receiver.cleanUp() }
        try receiver.start()
        let world = try World(stack: stack)
        let owner = try Self.owner(world)
        #expect(try owner.get("/merchant/settings").text.contains(#"href="/merchant/webhooks""#))
        let (endpointID, secret) = try Self.register(owner, url: "http://127.0.0.1:\(receiver.port)/hooks/bp", events: Self.allEvents)
        // The secret is on no later page.
        #expect(!(try owner.get("/merchant/webhooks/\(endpointID)").text.contains(secret)))
        #expect(try owner.get("/merchant/webhooks").text.contains("http://127.0.0.1:\(receiver.port)/hooks/bp"))

        // A case's life: opened, replied, answered and escalated, a message to both, a
        // request for the shop's documents, the decision that closes it.
        let anna = try world.customer("anna@example.com")
        let caseID = try world.openCase(anna, protection: try world.registerOrder("HOOK-1"))
        #expect(try world.reply(try world.merchant(), caseID: caseID, refund: "no", message: "Delivered.").status == 303)
        #expect(try world.answer(anna, caseID: caseID, answer: "disagree", message: "It was not.").status == 303)
        let agent = try world.agent()
        try agent.get("/service/cases/\(caseID)")
        #expect(try agent.post("/service/cases/\(caseID)/message", [("to", "both"), ("text", "Looking into it.")]).status == 303)
        // A note and a message to the customer alone stay with the service team.
        #expect(try agent.post("/service/cases/\(caseID)/note", [("text", "internal")]).status == 303)
        #expect(try agent.post("/service/cases/\(caseID)/message", [("to", "customer"), ("text", "Only you.")]).status == 303)
        #expect(try agent.post("/service/cases/\(caseID)/request-documents", [("from", "merchant"), ("text", "Proof?")]).status == 303)
        #expect(
            try agent.post("/service/cases/\(caseID)/decision", [("outcome", "rejected"), ("amount", ""), ("text", "Proof.")]).status == 303)
        let tick = try stack.tick(at: Date() + 1)
        #expect(tick.stdout.contains("webhooks delivered: 8"), "\(tick.stdout)")

        let requests = receiver.requests()
        Self.record(requests)
        let types = requests.map { Self.json($0.body)["type"] as? String ?? "?" }
        #expect(
            types == [
                "case.opened", "case.replied", "case.answered", "case.escalated", "case.message", "case.documents_requested",
                "case.decided", "case.closed",
            ])
        for request in requests {
            #expect(try Self.verifies(request, secret: secret, with: "python3"), "\(request.body)")
            #expect(try Self.verifies(request, secret: secret, with: "php"), "\(request.body)")
            #expect(!(try Self.verifies(request, secret: secret + "x", with: "python3")))
            let body = Self.json(request.body)
            #expect(request.headers["BP-Event"] ?? request.headers["Bp-Event"] == body["type"] as? String)
            let data = body["data"] as? [String: Any]
            let summary = data?["case"] as? [String: Any]
            #expect(summary?["id"] as? String == caseID)
            #expect((body["id"] as? String)?.hasPrefix("evt_") == true)
        }
        #expect((Self.json(requests.last!.body)["data"] as? [String: Any]).flatMap { $0["case"] as? [String: Any] }?["state"] as? String == "closed")
        // A body changed on the way no longer verifies.
        let tampered = Receiver.Request(headers: requests[0].headers, body: requests[0].body.replacingOccurrences(of: "HOOK-1", with: "HOOK-2"))
        #expect(!(try Self.verifies(tampered, secret: secret, with: "python3")))
        #expect(!(try Self.verifies(tampered, secret: secret, with: "php")))

        // The delivery log; one delivery sent again is the same event once more.
        let log = try owner.get("/merchant/webhooks/\(endpointID)")
        #expect(log.text.components(separatedBy: "Delivered").count - 1 == 8)
        let deliveryID = try #require(Browser.firstMatch(#"name="delivery" value="(dlv_[a-z2-7]{26})""#, in: log.text))
        let resent = try owner.post("/merchant/webhooks/\(endpointID)/resend", [("delivery", deliveryID)])
        #expect(resent.status == 303)
        #expect(resent.location == "/merchant/webhooks/\(endpointID)?done=webhook_resent")
        try stack.tick(at: Date() + 1)
        let again = receiver.requests()
        #expect(again.count == 9)
        #expect(Self.json(again[8].body)["id"] as? String == Self.json(requests[7].body)["id"] as? String, "the newest delivery, sent again")

        // Rotation: the new secret is shown once; both sign while they overlap.
        try owner.get("/merchant/webhooks/\(endpointID)")
        let rotated = try owner.post("/merchant/webhooks/\(endpointID)/rotate", [])
        #expect(rotated.status == 200)
        let newSecret = try #require(Browser.firstMatch("(whsec_[a-z2-7]{52})", in: rotated.text))
        #expect(newSecret != secret)
        #expect(rotated.text.contains("Previous secret"))
        _ = try world.openCase(anna, protection: try world.registerOrder("HOOK-2"))
        try stack.tick(at: Date() + 1)
        let afterRotation = try #require(receiver.requests().last)
        Self.record([afterRotation])
        #expect((afterRotation.headers["BP-Signature"] ?? "").components(separatedBy: "v1=").count == 3)
        #expect(try Self.verifies(afterRotation, secret: newSecret, with: "python3"))
        #expect(try Self.verifies(afterRotation, secret: secret, with: "php"))

        // A protection that ends without a case, 31 days on (signed at that clock: no age check).
        let expiring = try world.registerOrder("HOOK-EXP")
        try stack.tick(at: Date() + 31 * 86_400)
        let late = Array(receiver.requests().dropFirst(10))
        Self.record(late)
        let expired = try #require(late.first { Self.json($0.body)["type"] as? String == "protection.expired" })
        let protection = (Self.json(expired.body)["data"] as? [String: Any])?["protection"] as? [String: Any]
        #expect(protection?["id"] as? String == expiring)
        #expect(protection?["state"] as? String == "expired")
        #expect(try Self.verifies(expired, secret: newSecret, with: "php", tolerance: 0))
        #expect(late.contains { Self.json($0.body)["type"] as? String == "case.escalated" }, "HOOK-2's shop did not answer in time")

        // Deleting stops deliveries; the shop's list no longer shows the endpoint.
        let before = receiver.requests().count
        let deleted = try owner.post("/merchant/webhooks/\(endpointID)/delete", [])
        #expect(deleted.status == 303)
        _ = try world.openCase(anna, protection: try world.registerOrder("HOOK-3"))
        try stack.tick(at: Date() + 1)
        #expect(receiver.requests().count == before)
        #expect(try owner.get("/merchant/webhooks/\(endpointID)").status == 404)
    }

    @Test func aReceiverThatFailsHangsOrIsDownGetsEverythingInOrderOnceItAnswers() throws {
        let stack = try Stack(environment: Self.local)
        defer { stack.stop() }
        let receiver = try Receiver()
        defer { receiver.cleanUp() }
        try receiver.start()
        let port = receiver.port
        let world = try World(stack: stack)
        let owner = try Self.owner(world)
        let (endpointID, secret) = try Self.register(owner, url: "http://127.0.0.1:\(port)/h", events: ["case.opened", "case.replied"])
        let anna = try world.customer("anna@example.com")
        let first = try world.openCase(anna, protection: try world.registerOrder("DOWN-1"))
        _ = try world.reply(try world.merchant(), caseID: first, refund: "no", message: "No.")
        let start = Date() + 1  // `bp tick --at` reads whole seconds

        func attempt(_ mode: String, at minutes: Double, expect text: String) throws {
            receiver.mode(mode)
            try stack.tick(at: start + minutes * 60)
            let page = try owner.get("/merchant/webhooks/\(endpointID)")
            #expect(page.text.contains(text), "\(mode): \(page.text.components(separatedBy: "<tbody>").last?.prefix(1500) ?? "")")
        }
        try attempt("fail", at: 0, expect: "receiver answered 500")
        try attempt("redirect", at: 2, expect: "redirect not followed")
        try attempt("hang", at: 10, expect: "timed out after 10 s")
        #expect(receiver.requests().count == 3, "only the oldest delivery is tried while it fails: the order holds")
        try attempt("big", at: 40, expect: "Delivered")
        // Down for an hour: connection refused, then back on the same port.
        receiver.stop()
        let second = try world.openCase(anna, protection: try world.registerOrder("DOWN-2"))
        try attempt("ok", at: 41, expect: "Connection refused")
        try attempt("ok", at: 70, expect: "Connection refused")
        try receiver.start(port: port)
        try stack.tick(at: start + 41 * 60 + 3600 + 3700)
        let requests = receiver.requests()
        let received = requests.map { Self.json($0.body) }
        let cases = received.map { (($0["data"] as? [String: Any])?["case"] as? [String: Any])?["id"] as? String }
        let types = received.map { $0["type"] as? String }
        // Four tries of the first (the last answered with 10 MB), then the reply, then the second case.
        #expect(types.suffix(3) == ["case.opened", "case.replied", "case.opened"])
        #expect(cases.suffix(3) == [first, first, second])
        for request in requests.suffix(3) { #expect(try Self.verifies(request, secret: secret, with: "python3", tolerance: 0)) }
        Self.record(Array(requests.suffix(3)))

        // A receiver that fails for three days: the delivery is failed for good, and the
        // endpoint's line moves on to the next one.
        receiver.mode("fail")
        let third = try world.openCase(anna, protection: try world.registerOrder("DOWN-3"))
        let failing = Date() + 1
        try stack.tick(at: failing)
        try stack.tick(at: failing + 3 * 86_400 + 60)
        let log = try owner.get("/merchant/webhooks/\(endpointID)")
        #expect(log.text.contains("Failed"), "\(log.text.components(separatedBy: "<tbody>").last?.prefix(800) ?? "")")
        receiver.mode("ok")
        _ = try world.reply(try world.merchant(), caseID: third, refund: "no", message: "No.")
        try stack.tick(at: failing + 3 * 86_400 + 120)
        let last = Self.json(try #require(receiver.requests().last).body)
        #expect(last["type"] as? String == "case.replied")
        #expect(((last["data"] as? [String: Any])?["case"] as? [String: Any])?["id"] as? String == third)
    }

    @Test func unsafeEndpointsAreRefusedBesideTheFieldAndOnlyOwnersAndAdminsSeeThePages() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let owner = try Self.owner(world)
        for (url, events, message) in [
            ("http://shop.example/hooks", ["case.opened"], "must start with https://"),
            ("https://127.0.0.1/hooks", ["case.opened"], "private or local network"),
            ("https://169.254.169.254/latest/meta-data", ["case.opened"], "private or local network"),
            ("https://[::1]:8443/x", ["case.opened"], "private or local network"),
            ("https://localhost/x", ["case.opened"], "private or local network"),
            ("https://user:secret@shop.example/x", ["case.opened"], "Leave the user name and password out"),
            ("https://no-such-host.invalid/x", ["case.opened"], "does not resolve"),
            ("javascript:alert(1)", ["case.opened"], "not a URL we can send to"),
            ("", ["case.opened"], "Enter the endpoint"),
            ("https://shop.example/x", [], "Choose at least one event"),
            ("https://shop.example/x", ["case.opened", "case.bogus"], "Choose at least one event"),
        ] {
            try owner.get("/merchant/webhooks")
            let reply = try owner.post("/merchant/webhooks", [("url", url)] + events.map { ("events", $0) })
            #expect(reply.status == 422, "\(url)")
            #expect(reply.text.contains(message), "\(url): \(reply.text.prefix(300))")
            #expect(reply.text.contains(#"aria-invalid="true""#) || events.isEmpty || events.count == 2)
            #expect(!reply.text.contains("whsec_"))
        }
        let list = try owner.get("/merchant/webhooks")
        #expect(list.text.contains("No endpoints yet."))
        // The form links to the reference, which describes the deliveries from docs/openapi.json.
        #expect(list.text.contains(#"href="/api/docs#webhooks""#))
        let docs = try Browser(port: stack.port).get("/api/docs")
        #expect(docs.text.contains(#"id="webhooks""#) && docs.text.contains(#"id="webhook-case-event""#))
        #expect(docs.text.contains("BP-Signature") && docs.text.contains("protection.expired"))
        // Without CSRF: 403, nothing stored.
        #expect(try owner.post("/merchant/webhooks", [("url", "https://shop.example/x"), ("events", "case.opened")], withCSRF: false).status == 403)

        // A merchant who is not the owner, an agent who is not an admin: no such pages.
        let merchant = try world.merchant()
        #expect(try merchant.get("/merchant/webhooks").status == 404)
        #expect(!(try merchant.get("/settings").text.contains("/merchant/webhooks")))
        let agent = try world.agent()
        #expect(try agent.get("/service/shops/\(world.shopID)/webhooks").status == 404)
        #expect(try agent.get("/merchant/webhooks").status == 404)
        #expect(try Browser(port: stack.port).get("/merchant/webhooks").status == 303)

        // An admin manages the shop's endpoints from the shop's page (https, public:
        // the name must resolve, so a literal public address stands in for a host).
        let made = try stack.run(["admin", "create-user", "--role", "agent", "--email", "admin@operator.example", "--admin"],
                                 stdin: world.password + "\n")
        #expect(made.status == 0)
        let admin = try world.staff("/service/login", "admin@operator.example")
        #expect(try admin.get("/service/shops/\(world.shopID)").text.contains("/service/shops/\(world.shopID)/webhooks"))
        try admin.get("/service/shops/\(world.shopID)/webhooks")
        let added = try admin.post(
            "/service/shops/\(world.shopID)/webhooks", [("url", "https://8.8.8.8/hooks"), ("events", "case.closed")])
        #expect(added.status == 200)
        #expect(added.text.contains("whsec_"))
        let id = try #require(Browser.firstMatch("/webhooks/([a-z2-7]{26})/rotate", in: added.text))
        // The owner sees it; another shop's owner does not.
        #expect(try owner.get("/merchant/webhooks").text.contains("https://8.8.8.8/hooks"))
        #expect(try owner.get("/merchant/webhooks/\(id)").status == 200)
        let other = try stack.run(["admin", "create-shop", "--name", "Other", "--email", "o@other.example"])
        let otherID = try #require(Browser.firstMatch(#""id":"([a-z2-7]{26})""#, in: other.stdout.replacingOccurrences(of: " ", with: "")))
        _ = try stack.run(["admin", "create-user", "--role", "merchant", "--shop", otherID, "--email", "boss@other.example", "--owner"],
                          stdin: world.password + "\n")
        let stranger = try world.staff("/merchant/login", "boss@other.example")
        #expect(try stranger.get("/merchant/webhooks/\(id)").status == 404)
        try stranger.get("/merchant/webhooks")
        #expect(try stranger.post("/merchant/webhooks/\(id)/delete", []).status == 404)
        #expect(try admin.get("/service/shops/\(otherID)/webhooks/\(id)").status == 404)
        // Flags in the wrong place are refused by the CLI.
        let wrong = try stack.run(["admin", "create-user", "--role", "agent", "--email", "x@operator.example", "--owner"],
                                  stdin: world.password + "\n")
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("--owner is for merchants"))
    }
}
