import ArgumentParser
import Foundation
import Operations

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seed a demo shop, users, protections and cases in every state, and print how to sign in.")

    func run() throws {
        let app = try Setup.app()
        let logins = try App.seedDemo(config: app.config)
        let base = app.config.baseURL
        let twoStepNote =
            switch app.config.requireTwoStep {
            case .none: "; anyone may turn it on under Settings."
            case .agents: "; agents set it up at their first sign-in (BP_REQUIRE_2FA=agents)."
            case .all: "; everyone sets it up at their first sign-in (BP_REQUIRE_2FA=all)."
            }
        if logins.alreadySeeded { print("The demo data is already there.") } else { print("Demo data seeded.") }
        print(
            """

            Sign in at \(base)/
              Customer:  \(base)/login with \(logins.customerEmails.joined(separator: " or "));
                         the sign-in link arrives in \(app.config.mailDirectory)/new
              Merchant:  \(base)/merchant/login  \(logins.merchantEmail) / \(App.demoPassword)
                         (the shop's owner: its webhooks are under Settings)
              Agent:     \(base)/service/login   \(logins.agentEmail) / \(App.demoPassword)
                         (an admin: every shop's webhooks, from the shop's page)
                         (a second agent, for approvals and appeals: \(App.demoSecondAgentEmail))
              Two-step sign-in is off for these accounts\(twoStepNote)
            """)
        if let key = logins.apiKey {
            print("  Shop API:  curl -H 'Authorization: Bearer \(key)' \(base)/api/v1/cases")
        }
    }
}
