/// Expectations written independently of the code under test.
///
/// Nothing here calls `AgentOSAuth` or `ControlPlane`: the role lists are literals (the same as
/// `docs/access.md`, which `BuiltinRoleScopeTests` also reads), and the matcher is a small
/// re-implementation of the scope rules written in `docs/access.md` and
/// `docs/agno-compatibility.md`, so a bug in `ScopeSet`, `ScopeCompiler` or the route table
/// cannot be judged by itself.
enum ReferenceScopes {
    /// `os-viewer`: every `read` scope of Agno 3.1.10's default route table.
    static let viewer: [String] = [
        "agents:read", "approvals:read", "components:read", "config:read", "evals:read", "filesystem:read", "knowledge:read",
        "learnings:read", "memories:read", "metrics:read", "registry:read", "schedules:read", "service_accounts:read",
        "sessions:read", "teams:read", "traces:read", "workflows:read",
    ]

    /// `os-member`: viewer + run + every non-administrative write, no delete.
    static let member: [String] =
        (viewer + [
            "agents:run", "teams:run", "workflows:run",
            "agents:write", "approvals:write", "components:write", "evals:write", "knowledge:write", "learnings:write",
            "memories:write", "metrics:write", "schedules:write", "sessions:write", "teams:write", "workflows:write",
        ]).sorted()

    static let admin = "agent_os:admin"

    /// One parsed scope: `id == nil` is the global form, `"*"` the wildcard.
    struct Parsed: Equatable {
        var resource: String
        var id: String?
        var action: String
    }

    /// `nil` for admin or unknown; unknown is reported by `isUnknown`.
    static func parse(_ raw: String) -> Parsed? {
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func alias(_ resource: String) -> String { resource == "system" ? "config" : resource }
        switch parts.count {
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty: return Parsed(resource: alias(parts[0]), id: nil, action: parts[1])
        case 3 where !parts[0].isEmpty && !parts[1].isEmpty && !parts[2].isEmpty:
            return Parsed(resource: alias(parts[0]), id: parts[1], action: parts[2])
        default: return nil
        }
    }

    /// Whether one held scope satisfies a requirement. A requirement with an id is a route about
    /// that one resource; a requirement without one is a collection route.
    static func satisfies(held: String, required: Parsed) -> Bool {
        if held == admin { return true }
        guard let scope = parse(held), scope.resource == required.resource, scope.action == required.action else { return false }
        let broad = scope.id == nil || scope.id == "*"
        guard let wanted = required.id else { return broad }
        return broad || scope.id == wanted
    }

    static func satisfies(_ held: [String], _ required: Parsed) -> Bool {
        held.contains { satisfies(held: $0, required: required) }
    }

    /// Whether `held` may hand out `requested` (narrowing): a wildcard request is as broad as the
    /// global one, so it needs a global or wildcard scope.
    static func covers(_ held: [String], _ requested: String) -> Bool {
        if requested == admin { return held.contains(admin) }
        guard var wanted = parse(requested) else { return false }
        if wanted.id == "*" { wanted.id = nil }
        return satisfies(held, wanted)
    }

    /// Every requirement a route could ask for, over the given resources, actions and ids.
    static func probes(resources: [String], actions: [String], ids: [String]) -> [Parsed] {
        resources.flatMap { resource in
            actions.flatMap { action in
                [Parsed(resource: resource, id: nil, action: action)] + ids.map { Parsed(resource: resource, id: $0, action: action) }
            }
        }
    }

    /// The requirements `held` satisfies among `probes` (a fingerprint of what a scope list grants).
    static func grants(_ held: [String], among probes: [Parsed]) -> [Bool] {
        probes.map { satisfies(held, $0) }
    }
}
