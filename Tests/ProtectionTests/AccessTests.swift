import Testing
@testable import Protection

/// Who may see what, as a table (SPEC §1, §3.6, §7).
@Suite struct AccessTests {
    let claim = CaseOwnership(kind: .claim, shopID: "shop1", customerEmail: "anna@example.com")
    let inquiry = CaseOwnership(kind: .inquiry, shopID: "shop1", customerEmail: "anna@example.com")

    @Test(arguments: [
        (Viewer.anonymous, false, false),
        (.customer(email: "anna@example.com"), true, true),
        (.customer(email: "john@example.com"), false, false),
        (.merchant(userID: "m1", shopID: "shop1"), true, false),
        (.merchant(userID: "m2", shopID: "shop2"), false, false),
        (.agent(userID: "a1"), true, true),
    ] as [(Viewer, Bool, Bool)])
    func whoSeesACaseAndAnInquiry(viewer: Viewer, seesClaim: Bool, seesInquiry: Bool) {
        #expect(Access.canSee(viewer, claim) == seesClaim)
        #expect(Access.canSee(viewer, inquiry) == seesInquiry)
    }

    @Test func internalNotesAreReadByAgentsOnly() {
        #expect(!Access.canRead(.customer(email: "anna@example.com"), audience: .agentsOnly))
        #expect(!Access.canRead(.merchant(userID: "m1", shopID: "shop1"), audience: .agentsOnly))
        #expect(Access.canRead(.agent(userID: "a1"), audience: .agentsOnly))
        #expect(!Access.canRead(.merchant(userID: "m1", shopID: "shop1"), audience: [.agent, .customer]))
        #expect(Access.canRead(.customer(email: "x"), audience: .everyone))
    }
}
