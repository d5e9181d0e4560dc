import Foundation

/// The proxies whose `X-Forwarded-For` names the client (`CONTROL_PLANE_TRUSTED_PROXIES`, CIDRs).
///
/// Without any, the TCP peer is the client and the header is ignored: trusting it from anyone
/// would let an attacker pick a fresh address for every sign-in attempt.
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        var network: [UInt8]
        var prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == network.count else { return false }
            var bits = prefix
            for (lhs, rhs) in zip(address, network) {
                guard bits > 0 else { return true }
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if lhs & mask != rhs & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    let ranges: [Range]

    /// No trusted proxy: the peer address is the client.
    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) { self.ranges = ranges }

    /// Parses comma-separated CIDRs or single addresses (`10.0.0.0/8, 192.168.1.7, fd00::/8`).
    public init(parsing text: String) throws {
        ranges = try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { item in
            let parts = item.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count <= 2, let address = Self.bytes(String(parts[0])) else {
                throw TrustedProxiesError(item: item)
            }
            let bits = address.count * 8
            let prefix = parts.count == 2 ? Int(parts[1]) : bits
            guard let prefix, (0...bits).contains(prefix) else { throw TrustedProxiesError(item: item) }
            return Range(network: address, prefix: prefix)
        }
    }

    public var isEmpty: Bool { ranges.isEmpty }

    func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer unless it is a trusted proxy; then, walking
    /// `X-Forwarded-For` from the right (the hop the proxy added last), the first address that
    /// is not a trusted proxy. A malformed entry stops the walk at the last trusted hop.
    public func clientAddress(peer: String, forwardedFor values: [String]) -> String {
        guard trusts(peer) else { return peer }
        var client = peer
        let hops = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard Self.bytes(hop) != nil else { return client }
            client = hop
            if !trusts(hop) { return hop }
        }
        return client
    }

    /// The address's bytes (4 or 16), or `nil` when it is not an IP address.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}

/// A `CONTROL_PLANE_TRUSTED_PROXIES` entry that is not an address or CIDR.
public struct TrustedProxiesError: Error, CustomStringConvertible {
    public var item: String
    public var description: String {
        "CONTROL_PLANE_TRUSTED_PROXIES: '\(item.prefix(80))' is not an IP address or CIDR (e.g. 10.0.0.0/8, fd00::/8)"
    }
}
