import Foundation
import Testing

@testable import Operations

/// Settings of this session's features, read from the environment: who must use two-step
/// sign-in, and the domain replies come back to. Bad values stop `bp` with a message.
@Suite struct ConfigTests {
    static func config(_ env: [String: String]) throws -> AppConfig {
        try AppConfig.fromEnvironment(env.merging(["BP_DATA_DIR": "/tmp/bp-config-test"]) { a, _ in a }, resourceRoot: "/tmp")
    }

    @Test func twoStepSignInIsRequiredOfAgentsUnlessTheOperatorSaysOtherwise() throws {
        #expect(try Self.config([:]).requireTwoStep == .agents)
        for (value, agent, merchant) in [("agents", true, false), ("all", true, true), ("none", false, false)] {
            let requirement = try Self.config(["BP_REQUIRE_2FA": value]).requireTwoStep
            #expect(requirement.applies(to: .agent) == agent, "\(value)")
            #expect(requirement.applies(to: .merchant) == merchant, "\(value)")
        }
        #expect(throws: AppConfig.Invalid.self) { try Self.config(["BP_REQUIRE_2FA": "merchants"]) }
        do {
            _ = try Self.config(["BP_REQUIRE_2FA": "yes"])
        } catch let invalid as AppConfig.Invalid {
            #expect(invalid.description.contains("agents, all or none"))
        }
    }

    @Test func replyAddressesNeedADomainName() throws {
        #expect(try Self.config([:]).replyDomain == nil)
        #expect(try Self.config(["BP_MAIL_DOMAIN": "Reply.Example.COM"]).replyDomain == "reply.example.com")
        for bad in ["localhost", "reply example.com", ".example.com", "a@b.example", "reply.example.com/x", String(repeating: "a", count: 201) + ".com"] {
            #expect(throws: AppConfig.Invalid.self, "\(bad)") { try Self.config(["BP_MAIL_DOMAIN": bad]) }
        }
    }
}
