/// The resources and actions Agno's AgentOS knows, used to lint scopes before they are granted.
public enum ScopeCatalog {
    /// Resources of Agno's default route table (plus `system`, the legacy alias of `config`) and
    /// of its Company routes (``companyResources``).
    public static let resources: Set<String> = Set([
        "config", "system", "registry", "agents", "teams", "workflows", "sessions", "memories", "learnings",
        "knowledge", "filesystem", "metrics", "evals", "traces", "service_accounts", "schedules", "approvals",
        "components",
    ]).union(companyResources)
    /// Resources only the Company routes use (``RouteTable/agnoCompany``).
    public static let companyResources: Set<String> = ["wiki", "decisions", "sources", "routines", "products", "projects", "tasks"]
    /// Actions used by Agno's route table.
    public static let actions: Set<String> = ["read", "write", "delete", "run"]
    /// The only resources whose per-id scopes Agno honours.
    public static let perResourceFamilies: Set<String> = ["agents", "teams", "workflows"]

    /// Why `raw` should not be granted, or `nil` when it is a well-formed scope.
    ///
    /// Rules: the admin scope, `resource:action` or `resource:<id>:action`; known resources and
    /// actions; per-id scopes only for agents, teams and workflows; ids `[A-Za-z0-9._-]{1,128}` or `*`.
    public static func lint(_ raw: String, adminScope: String = Scope.defaultAdminScope) -> String? {
        if raw == adminScope { return nil }
        if raw.isEmpty { return "scope is empty" }
        if raw.contains(where: { $0.isWhitespace }) {
            return "scope contains whitespace (scopes are separate strings, never space-separated)"
        }
        let scope = Scope(raw, adminScope: adminScope)
        switch scope.kind {
        case .admin:
            return nil
        case .unknown:
            return "expected '\(adminScope)', 'resource:action' or 'resource:<id>:action'"
        case .global(let resource, let action):
            return lintResource(resource, action: action)
        case .resource(let resource, let id, let action):
            if let problem = lintResource(resource, action: action) { return problem }
            guard perResourceFamilies.contains(resource) else {
                return "per-resource scopes are only honoured for agents, teams and workflows; Agno ignores '\(resource):<id>:\(action)'"
            }
            guard id == "*" || isValidID(id) else {
                return "resource id must be '*' or 1 to 128 characters, each a letter (A-Z, a-z), a digit, '.', '_' or '-'"
            }
            return nil
        }
    }

    /// Whether `id` is a valid resource id (`[A-Za-z0-9._-]{1,128}`).
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            }
    }

    private static func lintResource(_ resource: String, action: String) -> String? {
        guard resources.contains(resource) else {
            return "unknown resource '\(resource)' (known: \(resources.sorted().joined(separator: ", ")))"
        }
        guard actions.contains(action) else {
            return "unknown action '\(action)' (known: \(actions.sorted().joined(separator: ", ")))"
        }
        return nil
    }
}
