import Foundation
@testable import Protection

let pln = Currency(code: "PLN")!
let t0 = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
let day = Deadlines.day
let deadlines = Deadlines()
let customer = ActorRef.customer("anna@example.com")
let merchant = ActorRef.merchant("m1")
let agent = ActorRef.agent("a1")

func money(_ minor: Int64) -> Money { Money(minor: minor, currency: pln) }

/// A case opened at t0 for an order of 249.99 zł.
func openedCase(reason: CaseReason = .notReceived, insolvent: Bool = false) -> CaseFile {
    CaseFile.open(reason: reason, orderValue: money(24_999), message: "Nie dotarło", by: customer, at: t0,
                  deadlines: deadlines, shopInsolvent: insolvent).file
}

/// A case the merchant answered one day after it opened.
func repliedCase(_ refund: RefundIntent, amount: Int64? = nil) throws -> CaseFile {
    try openedCase().reply(refund: refund, amount: amount.map(money), message: "Reply", by: merchant, at: t0 + day,
                           deadlines: deadlines, shopInsolvent: false).file
}

func escalatedCase() throws -> CaseFile {
    try repliedCase(.no).answer(.disagree, message: "", by: customer, at: t0 + 2 * day).file
}
