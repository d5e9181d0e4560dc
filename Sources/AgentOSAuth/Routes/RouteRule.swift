/// One entry of a route table: a method, a path pattern and the scopes it requires (all of them).
///
/// An empty `scopes` list means "any authenticated caller passes the gate"; the handler is
/// expected to make its own per-resource check (e.g. Agno's fork and resume routes).
public struct RouteRule: Sendable, Hashable {
    /// Upper-case HTTP method.
    public let method: String
    /// The path pattern.
    public let path: PathPattern
    /// Required scopes, in the global form (`agents:run`).
    public let scopes: [String]

    /// Creates a rule; `path` uses `*` and `{param}` wildcards.
    public init(_ method: String, _ path: String, _ scopes: [String]) {
        self.method = method.uppercased()
        self.path = PathPattern(path)
        self.scopes = scopes
    }
}
