import Crypto
import Foundation
import Protection
import Rendering
import Store

/// Where a reply to one of our emails comes back to: `case+<token>@<BP_MAIL_DOMAIN>`.
/// The token names the case and the party the email went to (or the protection, for the
/// day-23 question) and carries 50 bits of an HMAC under a key derived from `secret.key`,
/// so it can be neither guessed nor moved to another case. 42 characters before the @,
/// well under the 64 every mail client takes, in lower case (some MTAs lower it).
public struct ReplyAddresses: Sendable {
    public enum Route: Sendable, Equatable {
        case caseParty(caseID: String, party: Party)
        /// The day-23 "did it go well?" email: a reply opens an "other matter" inquiry.
        case protection(protectionID: String)
    }

    public static let prefix = "case+"
    let key: SymmetricKey
    /// `BP_MAIL_DOMAIN`: without it no email offers a reply address, but replies to ones
    /// that did (before the setting was removed) are still read.
    public let domain: String?

    public init(secret: [UInt8], domain: String?) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Array("buyer-protection reply addresses v1".utf8), outputByteCount: 32)
        self.domain = domain
    }

    /// The Reply-To for an email on this route, when replies route at all.
    public func address(_ route: Route) -> String? {
        domain.map { Self.prefix + token(route) + "@" + $0 }
    }

    func token(_ route: Route) -> String {
        let body: String
        switch route {
        case .caseParty(let caseID, .customer): body = "c" + caseID
        case .caseParty(let caseID, .merchant): body = "m" + caseID
        case .protection(let protectionID): body = "p" + protectionID
        }
        return body + mac(body)
    }

    private func mac(_ body: String) -> String {
        let code = Array(HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: key))
        return String(Secrets.base32(Array(code.prefix(7))).prefix(10))
    }

    /// The route of an address whose local part is one of our tokens, checked; nil for
    /// anything else (another address, a token for another case, a changed letter).
    public func route(of address: String) -> Route? {
        let local = address.split(separator: "@").first.map { $0.lowercased() } ?? ""
        guard local.hasPrefix(Self.prefix) else { return nil }
        let token = local.dropFirst(Self.prefix.count)
        guard token.count == 1 + Secrets.idLength + 10 else { return nil }
        let body = String(token.prefix(1 + Secrets.idLength))
        let id = String(body.dropFirst())
        guard SiteRoute.isID(id), TOTP.constantTimeEqual(mac(body), String(token.suffix(10))) else { return nil }
        switch body.first {
        case "c": return .caseParty(caseID: id, party: .customer)
        case "m": return .caseParty(caseID: id, party: .merchant)
        case "p": return .protection(protectionID: id)
        default: return nil
        }
    }
}
