/// Who is calling and what they may do, as established by the ``AuthGate``.
public struct Principal: Sendable {
    /// How the caller authenticated.
    public enum AuthMode: String, Sendable {
        /// Authentication is disabled (`AGENTOS_AUTH_DISABLED=true`): the OS is open.
        case none
        /// The shared `OS_SECURITY_KEY`.
        case securityKey = "security_key"
        /// A verified JWT.
        case jwt
    }

    /// The authentication mode.
    public let mode: AuthMode
    /// The token's `sub` (the run's user id); `nil` for the security key.
    public let subject: String?
    /// The token's `session_id`.
    public let sessionID: String?
    /// The scopes held; meaningful when ``enforcesScopes`` is `true`.
    public let scopes: ScopeSet
    /// The verified token's claims (empty for the security key).
    public let claims: [String: JSONValue]
    /// `false` for unscoped roots (security key, open OS, authorization off): every check passes.
    public let enforcesScopes: Bool

    /// Creates a principal.
    public init(mode: AuthMode, subject: String?, sessionID: String?, scopes: ScopeSet, claims: [String: JSONValue], enforcesScopes: Bool) {
        self.mode = mode
        self.subject = subject
        self.sessionID = sessionID
        self.scopes = scopes
        self.claims = claims
        self.enforcesScopes = enforcesScopes
    }

    /// The handler-side per-resource check (Agno's `require_resource_access`).
    ///
    /// - Throws: 403 ``AgentOSAuthError/Code/accessDenied`` with Agno's detail, e.g.
    ///   `Access denied to run this agent`.
    public func require(_ resource: String, id: String, action: String) throws(AgentOSAuthError) {
        guard enforcesScopes else { return }
        guard scopes.allows(resource, id: id, action: action) else {
            throw AgentOSAuthError(.accessDenied, Self.accessDeniedDetail(resource, action: action))
        }
    }

    /// Agno's handler-check detail, e.g. `Access denied to run this agent`.
    public static func accessDeniedDetail(_ resource: String, action: String) -> String {
        "Access denied to \(action) this \(singular(resource))"
    }

    /// Ids of `resource` the caller may `action` (``AccessibleIDs/all`` for unscoped roots), for list filtering.
    public func accessibleIDs(_ resource: String, action: String) -> AccessibleIDs {
        enforcesScopes ? scopes.accessibleIDs(resource, action: action) : .all
    }

    static func singular(_ resource: String) -> String {
        switch resource {
        case "agents": "agent"
        case "teams": "team"
        case "workflows": "workflow"
        default: resource.hasSuffix("s") ? String(resource.dropLast()) : resource
        }
    }
}
