import Foundation
import Protection

#if canImport(Glibc)
    import Glibc
#endif

/// The addresses a host name stands for, through the system's resolver (getaddrinfo), so
/// that a webhook URL is judged by where it really leads, not by how its name looks.
public enum HostResolver {
    public static func addresses(of host: String) -> [IPAddress] {
        if let literal = IPAddress.parse(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var found: [IPAddress] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        withUnsafeBytes(of: v4.pointee.sin_addr) { found.append(.v4(Array($0))) }
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        withUnsafeBytes(of: v6.pointee.sin6_addr) { found.append(.v6(Array($0))) }
                    }
                default: break
                }
            }
            next = entry.pointee.ai_next
        }
        return found
    }
}

extension WebhookAddressPolicy {
    /// The URL's shape and every address its host resolves to: one private address among
    /// public ones is refused too (a name may be made to answer with both).
    public func checkResolving(url: String) -> Result<Target, Refusal> {
        switch check(url: url) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let target):
            let addresses = HostResolver.addresses(of: target.host)
            guard !addresses.isEmpty else { return .failure(.unresolvable) }
            guard addresses.allSatisfy(allows(address:)) else { return .failure(.privateAddress) }
            return .success(target)
        }
    }
}
