/// Which webhook URLs a shop may register, and which addresses the worker may send to.
/// A webhook makes the product's own server send requests where a shop says: without
/// these rules it would reach the operator's internal network (SSRF, OWASP A10). Pure:
/// the caller resolves the host and asks about each address.
public struct WebhookAddressPolicy: Sendable, Equatable {
    /// `BP_WEBHOOK_ALLOW_HTTP=1`: plain `http://` too (local receivers, tests).
    public var allowHTTP: Bool
    /// `BP_WEBHOOK_ALLOW_PRIVATE=1`: loopback, private and link-local addresses too.
    public var allowPrivate: Bool

    public init(allowHTTP: Bool = false, allowPrivate: Bool = false) {
        self.allowHTTP = allowHTTP
        self.allowPrivate = allowPrivate
    }

    public enum Refusal: Error, Equatable, Sendable {
        case malformed, notHTTPS, credentials, tooLong, privateAddress, unresolvable
    }

    /// The parts of a URL the rules look at.
    public struct Target: Equatable, Sendable {
        public var scheme: String
        public var host: String
        public var port: Int
    }

    /// Checks the URL's shape: scheme, host, no user:password, no fragment, a sane port.
    /// The host's addresses are checked separately (`allows(address:)`) once resolved.
    public func check(url: String) -> Result<Target, Refusal> {
        guard url.utf8.count <= 2000 else { return .failure(.tooLong) }
        guard url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return .failure(.malformed) }
        guard let schemeEnd = url.range(of: "://") else { return .failure(.malformed) }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return .failure(.notHTTPS) }
        guard scheme == "https" || allowHTTP else { return .failure(.notHTTPS) }
        let rest = url[schemeEnd.upperBound...]
        guard !rest.contains("#") else { return .failure(.malformed) }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.contains("@") else { return .failure(.credentials) }
        var host = Substring(authority)
        var port = scheme == "https" ? 443 : 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return .failure(.malformed) }
            let after = host[host.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()), (1...65_535).contains(p) else { return .failure(.malformed) }
                port = p
            }
            host = host[host.index(after: host.startIndex)..<close]
            guard IPAddress.parse(String(host)) != nil else { return .failure(.malformed) }
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65_535).contains(p) else { return .failure(.malformed) }
            port = p
            host = host[..<colon]
        }
        let name = host.lowercased()
        guard !name.isEmpty, name.utf8.count <= 253,
            name.unicodeScalars.allSatisfy({
                ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "-.:".unicodeScalars.contains($0)
            })
        else { return .failure(.malformed) }
        if let literal = IPAddress.parse(name), !allows(address: literal) { return .failure(.privateAddress) }
        if !allowPrivate, name == "localhost" || name.hasSuffix(".localhost") { return .failure(.privateAddress) }
        return .success(Target(scheme: scheme, host: name, port: port))
    }

    /// Whether a resolved address may be sent to.
    public func allows(address: IPAddress) -> Bool { allowPrivate || address.isPublic }
}

/// An IPv4 or IPv6 address as bytes, and whether it is on the public internet.
public enum IPAddress: Equatable, Sendable {
    case v4([UInt8])
    case v6([UInt8])

    /// Dotted-quad IPv4 or textual IPv6 (with `::` and an embedded IPv4 tail).
    public static func parse(_ text: String) -> IPAddress? {
        if let v4 = parseV4(Substring(text)) { return .v4(v4) }
        return parseV6(text).map(IPAddress.v6)
    }

    static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let n = UInt8(part), part == "\(n)" else { return nil }
            bytes.append(n)
        }
        return bytes
    }

    static func parseV6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), text.utf8.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseV4(piece) else { return nil }
                    out += v4
                    continue
                }
                guard (1...4).contains(piece.count), let n = UInt16(piece, radix: 16) else { return nil }
                out += [UInt8(n >> 8), UInt8(n & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 16 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// False for loopback, private (RFC 1918, unique local), link-local, carrier-grade
    /// NAT, unspecified, multicast, broadcast, documentation and reserved ranges — and for
    /// IPv6 forms that carry such an IPv4 address (mapped, NAT64 well-known prefix).
    public var isPublic: Bool {
        switch self {
        case .v4(let b):
            switch (b[0], b[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168), (198, 18), (198, 19): return false
            case (100, 64...127), (172, 16...31): return false
            case (192, 0) where b[2] == 0 || b[2] == 2: return false
            case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return false
            default: return b[0] < 224
            }
        case .v6(let b):
            if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return IPAddress.v4(Array(b[12...])).isPublic }
            if b[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return IPAddress.v4(Array(b[12...])).isPublic }
            if b[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
            if b[0] == 0xFF { return false }  // multicast
            if b[0] & 0xFE == 0xFC { return false }  // unique local fc00::/7
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return false }  // link-local fe80::/10
            if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return false }  // site-local fec0::/10 (deprecated)
            if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return false }  // documentation
            return b[0] & 0xE0 == 0x20  // global unicast 2000::/3
        }
    }
}
