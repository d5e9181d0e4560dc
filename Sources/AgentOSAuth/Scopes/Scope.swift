/// One parsed scope string, following Agno's grammar.
///
/// * the admin scope (default `agent_os:admin`) matches everything;
/// * `resource:action` is global;
/// * `resource:<id>:action` names one resource (`<id>` may be `*`, the wildcard);
/// * anything else is ``Kind-swift.enum/unknown`` and never matches.
///
/// The legacy resource `system` is read as `config`. Matching is case-sensitive and nothing is trimmed.
public struct Scope: Sendable, Hashable, CustomStringConvertible {
    /// The shape of a scope.
    public enum Kind: Sendable, Hashable {
        /// The admin scope: satisfies every requirement.
        case admin
        /// `resource:action`.
        case global(resource: String, action: String)
        /// `resource:<id>:action`; `id` may be `"*"`.
        case resource(resource: String, id: String, action: String)
        /// Not a scope this grammar understands; grants nothing.
        case unknown
    }

    /// The default admin scope, `agent_os:admin`.
    public static let defaultAdminScope = "agent_os:admin"

    /// The string the scope was parsed from.
    public let raw: String
    /// Its parsed form.
    public let kind: Kind

    /// Parses `raw` with `adminScope` as the admin scope.
    public init(_ raw: String, adminScope: String = Scope.defaultAdminScope) {
        self.raw = raw
        if raw == adminScope {
            self.kind = .admin
            return
        }
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 2:
            self.kind = .global(resource: Self.alias(parts[0]), action: String(parts[1]))
        case 3:
            self.kind = .resource(resource: Self.alias(parts[0]), id: String(parts[1]), action: String(parts[2]))
        default:
            self.kind = .unknown
        }
    }

    public var description: String { raw }

    /// The resource after aliasing, if the scope has one.
    public var resource: String? {
        switch kind {
        case .global(let resource, _), .resource(let resource, _, _): resource
        case .admin, .unknown: nil
        }
    }

    /// The action, if the scope has one.
    public var action: String? {
        switch kind {
        case .global(_, let action), .resource(_, _, let action): action
        case .admin, .unknown: nil
        }
    }

    /// `system` is Agno's legacy name for `config`.
    static func alias(_ resource: Substring) -> String {
        resource == "system" ? "config" : String(resource)
    }
}
