import Crypto
import Foundation
import Store

/// The signed JSON case file: `{"case_file":…,"signature":{"alg":"Ed25519","public_key":
/// "<base64>","value":"<base64>"}}`, the signature over the exact bytes of the
/// `case_file` value as they stand in the file, so checking needs no re-serialisation.
/// Ed25519 (swift-crypto): anyone the operator gives the public key to can check a file
/// without this product's secret; `bp verify-file` checks one against this
/// installation's key.
public enum CaseFileSeal {
    static let head = Array(#"{"case_file":"#.utf8)
    static let marker = Array(#","signature":"#.utf8)

    public static func seal(caseFile: [UInt8], key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        let signature = try key.signature(for: caseFile)
        var out = head + caseFile + marker
        out += #"{"alg":"Ed25519","public_key":""#.utf8
        out += key.publicKey.rawRepresentation.base64EncodedString().utf8
        out += #"","value":""#.utf8
        out += signature.base64EncodedString().utf8
        out += #""}}"#.utf8
        out.append(0x0A)
        return out
    }

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case notACaseFile
        case otherKey(String)
        case badSignature
        case brokenChain(String)

        public var description: String {
            switch self {
            case .notACaseFile: "not a case file of this product (no case_file and signature)"
            case .otherKey(let key): "signed by another key (\(key)), not this installation's"
            case .badSignature: "the signature does not match: the file was changed after it was made"
            case .brokenChain(let detail): "signed, but its timeline does not hash to its chain: \(detail)"
            }
        }
    }

    /// What a good file says.
    public struct Checked: Sendable {
        public var view: String
        public var caseNumber: Int
        public var events: Int
        public var head: String
        public var chainRecomputed: Bool
    }

    /// Checks the signature with `trusted`, then, for the service team's full view, the
    /// hash chain from the events' own fields.
    public static func check(_ file: [UInt8], trusted: Curve25519.Signing.PublicKey) throws(Problem) -> Checked {
        var bytes = file
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
        guard bytes.starts(with: head), bytes.last == UInt8(ascii: "}"),
            let at = lastRange(of: marker, in: bytes), at > head.count
        else { throw .notACaseFile }
        let caseFile = Array(bytes[head.count..<at])
        let signatureJSON = Data(bytes[(at + marker.count)..<(bytes.count - 1)])
        guard let signature = try? JSONSerialization.jsonObject(with: signatureJSON) as? [String: Any],
            signature["alg"] as? String == "Ed25519", let keyText = signature["public_key"] as? String,
            let valueText = signature["value"] as? String, let value = Data(base64Encoded: valueText),
            let body = try? JSONSerialization.jsonObject(with: Data(caseFile)) as? [String: Any]
        else { throw .notACaseFile }
        guard keyText == trusted.rawRepresentation.base64EncodedString() else { throw .otherKey(keyText) }
        guard trusted.isValidSignature(value, for: caseFile) else { throw .badSignature }
        let events = body["events"] as? [[String: Any]] ?? []
        let view = body["view"] as? String ?? ""
        let head = body["head"] as? String ?? ""
        let number = (body["case"] as? [String: Any])?["number"] as? Int ?? 0
        var recomputed = false
        if view == "service" {
            var previous: String?
            for event in events {
                let content = EventChain.Content(
                    caseID: event["case_id"] as? String ?? "", at: event["at_stored"] as? String ?? "",
                    actorKind: event["actor_kind"] as? String ?? "", actorID: event["actor_id"] as? String,
                    kind: event["kind"] as? String ?? "", audience: event["audience"] as? Int ?? -1, text: event["text"] as? String,
                    data: event["data"] as? String ?? "",
                    documents: (event["documents"] as? [[String: Any]] ?? []).compactMap { $0["sha256"] as? String })
                let hash = EventChain.link(previous: previous, content)
                guard hash == event["hash"] as? String else { throw .brokenChain("event \(event["id"] as? Int ?? 0)") }
                previous = hash
            }
            guard (previous ?? "") == head else { throw .brokenChain("the head is not the last event's hash") }
            recomputed = true
        }
        return Checked(view: view, caseNumber: number, events: events.count, head: head, chainRecomputed: recomputed)
    }

    static func lastRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.count - needle.count
        while index >= 0 {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }
}
