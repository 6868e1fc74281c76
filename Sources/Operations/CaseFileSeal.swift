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
        let decoder = JSONDecoder()
        guard let signature = try? decoder.decode(Signature.self, from: signatureJSON), signature.alg == "Ed25519",
            let value = Data(base64Encoded: signature.value), let body = try? decoder.decode(File.self, from: Data(caseFile))
        else { throw .notACaseFile }
        guard signature.publicKey == trusted.rawRepresentation.base64EncodedString() else { throw .otherKey(signature.publicKey) }
        guard trusted.isValidSignature(value, for: caseFile) else { throw .badSignature }
        var recomputed = false
        if body.view == "service" {
            var previous: String?
            for event in body.events {
                let content = EventChain.Content(
                    caseID: event.caseID, at: event.atStored, actorKind: event.actorKind, actorID: event.actorID, kind: event.kind,
                    audience: event.audience, text: event.text, data: event.data, documents: event.documents.map(\.sha256))
                let hash = EventChain.link(previous: previous, content)
                guard hash == event.hash else { throw .brokenChain("event \(event.id)") }
                previous = hash
            }
            guard (previous ?? "") == body.head else { throw .brokenChain("the head is not the last event's hash") }
            recomputed = true
        }
        let view = body.view
        let number = body.case.number
        let events = body.events
        let head = body.head
        return Checked(view: view, caseNumber: number, events: events.count, head: head, chainRecomputed: recomputed)
    }

    /// The parts of a case file the check reads (`CaseFilePages.json` writes them).
    struct Signature: Decodable {
        let alg: String
        let publicKey: String
        let value: String
        enum CodingKeys: String, CodingKey {
            case alg, value
            case publicKey = "public_key"
        }
    }

    struct File: Decodable {
        struct Case: Decodable { let number: Int }
        struct Document: Decodable { let sha256: String }
        struct Event: Decodable {
            let id: Int
            let caseID: String
            let atStored: String
            let actorKind: String
            let actorID: String?
            let kind: String
            let audience: Int
            let text: String?
            let data: String
            let documents: [Document]
            let hash: String?
            enum CodingKeys: String, CodingKey {
                case id, kind, audience, text, data, documents, hash
                case caseID = "case_id"
                case atStored = "at_stored"
                case actorKind = "actor_kind"
                case actorID = "actor_id"
            }
        }
        let view: String
        let head: String
        let `case`: Case
        let events: [Event]
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
