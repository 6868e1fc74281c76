import Foundation
import Testing

/// `/settings` lists a staff member's sessions and ends one or all the others; nobody
/// can end another user's session, and the current one always stays.
@Suite struct SessionListTests {
    func sessionIDs(_ page: HTTPReply) -> [String] {
        Browser.allMatches(#"name="session" value="([0-9a-f]{64})""#, in: page.text)
    }

    @Test func aMerchantSeesTheirSessionsAndSignsOutOneOrAllOthers() throws {
        let stack = try Stack()
        defer { stack.stop() }
        let world = try World(stack: stack)
        let office = try world.merchant()
        let phone = try world.merchant()
        let agent = try world.agent()
        let settings = try office.get("/settings")
        #expect(settings.status == 200)
        #expect(settings.text.contains("this browser"))
        let others = sessionIDs(settings)
        #expect(others.count == 1, "the phone's session, not the current one, has a button")
        #expect(settings.text.contains(#"value="others""#))

        // Another user's session cannot be ended from here.
        let agentSessions = sessionIDs(try agent.get("/settings"))
        #expect(agentSessions.isEmpty, "the agent has one session: the current")
        #expect(try office.post("/settings/sessions", [("session", String(repeating: "a", count: 64))]).status == 303)
        #expect(try agent.get("/service").status == 200, "still signed in")
        #expect(try office.post("/settings/sessions", [("session", "nonsense")]).status == 422)
        #expect(try office.post("/settings/sessions", [("session", others[0])], withCSRF: false).status == 403)

        // The phone's session ended: the phone is sent to sign in, the office is not.
        #expect(try office.post("/settings/sessions", [("session", others[0])]).status == 303)
        #expect(try phone.get("/merchant/cases").status == 303)
        #expect(try office.get("/merchant/cases").status == 200)

        // Two more, then "everywhere else".
        let laptop = try world.merchant()
        let tablet = try world.merchant()
        try office.get("/settings")
        #expect(try office.post("/settings/sessions", [("session", "others")]).status == 303)
        #expect(try laptop.get("/merchant/cases").status == 303)
        #expect(try tablet.get("/merchant/cases").status == 303)
        let after = try office.get("/settings?done=sessions_ended")
        #expect(after.status == 200)
        #expect(sessionIDs(after).isEmpty)
        #expect(try agent.get("/service").status == 200, "other users keep theirs")
    }
}
