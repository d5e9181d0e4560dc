/// The scopes a caller holds, parsed once, with Agno's matching rules.
public struct ScopeSet: Sendable, Hashable {
    /// The scopes as they appeared in the credential.
    public let scopes: [Scope]
    /// Whether the admin scope is among them.
    public let isAdmin: Bool

    /// Parses `rawScopes` with `adminScope` as the admin scope.
    public init(_ rawScopes: [String], adminScope: String = Scope.defaultAdminScope) {
        self.scopes = rawScopes.map { Scope($0, adminScope: adminScope) }
        self.isAdmin = scopes.contains { $0.kind == .admin }
    }

    /// The raw strings, in their original order.
    public var rawValues: [String] { scopes.map(\.raw) }

    /// Whether a held scope satisfies `required`.
    ///
    /// A per-resource requirement (`agents:web-agent:run`) is met by the admin scope, the global
    /// form (`agents:run`), the wildcard (`agents:*:run`) or that exact id. A global requirement
    /// is met only by the admin scope, the global form or the wildcard.
    public func satisfies(_ required: Scope) -> Bool {
        if isAdmin { return true }
        switch required.kind {
        case .admin, .unknown:
            return false
        case .global(let resource, let action):
            return scopes.contains { held in
                switch held.kind {
                case .global(resource, action): true
                case .resource(resource, "*", action): true
                default: false
                }
            }
        case .resource(let resource, let id, let action):
            return scopes.contains { held in
                switch held.kind {
                case .global(resource, action): true
                case .resource(resource, let heldID, action): heldID == "*" || heldID == id
                default: false
                }
            }
        }
    }

    /// Whether the caller may `action` the resource `id` of `resource` (e.g. run `web-agent`).
    public func allows(_ resource: String, id: String, action: String) -> Bool {
        satisfies(Scope("\(resource):\(id):\(action)"))
    }

    /// The ids of `resource` the caller may `action`: ``AccessibleIDs/all`` for admin, the global
    /// form or the wildcard; otherwise the ids of exact per-resource grants with that action.
    public func accessibleIDs(_ resource: String, action: String) -> AccessibleIDs {
        if isAdmin { return .all }
        var ids: Set<String> = []
        for held in scopes {
            switch held.kind {
            case .global(resource, action): return .all
            case .resource(resource, "*", action): return .all
            case .resource(resource, let id, action): ids.insert(id)
            default: continue
            }
        }
        return .some(ids)
    }
}

/// The result of ``ScopeSet/accessibleIDs(_:action:)``: everything, or a set of ids.
public enum AccessibleIDs: Sendable, Hashable {
    /// Every id.
    case all
    /// Only these ids (possibly none).
    case some(Set<String>)

    /// Whether `id` is included.
    public func contains(_ id: String) -> Bool {
        switch self {
        case .all: true
        case .some(let ids): ids.contains(id)
        }
    }

    /// Whether nothing is accessible.
    public var isEmpty: Bool {
        switch self {
        case .all: false
        case .some(let ids): ids.isEmpty
        }
    }

    /// `items` filtered to the accessible ones, order kept.
    public func filter<T>(_ items: [T], id: (T) -> String) -> [T] {
        switch self {
        case .all: items
        case .some(let ids): items.filter { ids.contains(id($0)) }
        }
    }
}
