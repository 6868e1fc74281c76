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
            """)
        if let key = logins.apiKey {
            print("  Shop API:  curl -H 'Authorization: Bearer \(key)' \(base)/api/v1/cases")
        }
    }
}
