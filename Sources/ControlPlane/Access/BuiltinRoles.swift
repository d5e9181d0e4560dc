import AgentOSAuth

/// The OS roles every organisation starts with. Their scopes are derived from Agno's default
/// route table, so they follow it when it changes; they cannot be edited or deleted.
public enum BuiltinRoles {
    public struct Definition: Sendable {
        public var slug: String
        public var name: String
        public var description: String
        public var scopes: [String]
    }

    /// Write scopes that administer the OS rather than use it; kept out of `os-member`.
    static let administrativeWrites: Set<String> = ["config:write", "service_accounts:write"]

    static let routeScopes: Set<String> = Set(RouteTable.agnoDefault.rules.flatMap(\.scopes))

    /// `os-admin`, `os-member`, `os-viewer`.
    public static let all: [Definition] = [
        Definition(slug: "os-admin", name: "OS admin", description: "Everything on the OS", scopes: [Scope.defaultAdminScope]),
        Definition(
            slug: "os-member",
            name: "OS member",
            description: "Read everything, run agents, teams and workflows, create and update; no deletes",
            scopes: routeScopes.filter {
                let action = Scope($0).action
                return action == "read" || action == "run" || (action == "write" && !administrativeWrites.contains($0))
            }.sorted()
        ),
        Definition(
            slug: "os-viewer",
            name: "OS viewer",
            description: "config:read and every read scope",
            scopes: routeScopes.filter { Scope($0).action == "read" }.sorted()
        ),
    ]
}
