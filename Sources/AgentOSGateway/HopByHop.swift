import Foundation
import HTTPTypes

/// The headers that belong to one connection and never cross the gateway (RFC 9110 §7.6.1):
/// the fixed set, and every name the `Connection` header lists.
enum HopByHop {
    /// The fixed set, lower-case. `Proxy-Authorization` is the client's credential for a proxy,
    /// never the upstream's; `TE` and `Trailer` describe this hop's framing.
    static let names: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]

    /// Whether `name` (any case) stops at the gateway, given the `Connection` header's list.
    static func stops(_ name: HTTPField.Name, listed: Set<String>) -> Bool {
        let lower = name.canonicalName
        return names.contains(lower) || listed.contains(lower)
    }

    /// The lower-case names `fields`' `Connection` headers list.
    static func listed(in fields: HTTPFields) -> Set<String> {
        listed(fields[values: .connection])
    }

    /// The lower-case names the `Connection` header values `values` list.
    static func listed(_ values: some Sequence<String>) -> Set<String> {
        var listed: Set<String> = []
        for value in values {
            for token in value.split(separator: ",") {
                let name = token.trimmingCharacters(in: .whitespaces).lowercased()
                if !name.isEmpty { listed.insert(name) }
            }
        }
        return listed
    }
}
