/// The answer ``AuthGate/evaluate(_:method:path:)`` gives for one route and a set of scopes.
public struct AccessEvaluation: Sendable, Hashable {
    /// Whether the gate lets the request through (a listing may still be filtered).
    public var allowed: Bool
    /// The status the OS answers at the gate: 200 when allowed, else 403.
    public var status: Int
    /// The scopes the route requires, after the family/id rewrite (`agents:web-agent:run`).
    public var requiredScopes: [String]
    /// The held scopes that satisfy a required scope (or, for a filtered listing, the per-id ones).
    public var matchedScopes: [String]
    /// Why, when there is more to say: Agno's 403 detail, "excluded path", a filtered listing.
    public var detail: String?

    /// Creates an evaluation.
    public init(allowed: Bool, status: Int, requiredScopes: [String], matchedScopes: [String], detail: String?) {
        self.allowed = allowed
        self.status = status
        self.requiredScopes = requiredScopes
        self.matchedScopes = matchedScopes
        self.detail = detail
    }
}
