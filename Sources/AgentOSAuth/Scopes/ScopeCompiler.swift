/// Compiles a subject's granted scopes into the list an issuer puts into a token, and checks
/// that requested scopes are covered by what is granted.
///
/// Compilation (the issuer's half of the grammar): the admin scope alone if it is held;
/// `resource:*:action` written as `resource:action`; legacy `system:` written as `config:`;
/// per-id scopes dropped when the global form is held; scopes this grammar does not understand
/// dropped; sorted, without duplicates. The compiled list grants exactly what the input granted.
public enum ScopeCompiler {
    /// The compiled, canonical form of `rawScopes`.
    public static func compile(_ rawScopes: some Sequence<String>, adminScope: String = Scope.defaultAdminScope) -> [String] {
        var globals: Set<String> = []
        var perID: [(resource: String, id: String, action: String)] = []
        for raw in rawScopes {
            switch Scope(raw, adminScope: adminScope).kind {
            case .admin:
                return [adminScope]
            case .global(let resource, let action):
                // A scope whose written form would read as the admin scope is kept as it came
                // (`system:admin` when the admin scope is `config:admin`): compiling must never
                // make an admin of a subject that is not one.
                let written = "\(resource):\(action)"
                globals.insert(written == adminScope ? raw : written)
            case .resource(let resource, "*", let action):
                // Likewise `agent_os:*:admin` is not the admin scope, but `agent_os:admin` is
                // (found by the scopes fuzz target; docs/operations.md).
                let written = "\(resource):\(action)"
                if written == adminScope { perID.append((resource, "*", action)) } else { globals.insert(written) }
            case .resource(let resource, let id, let action):
                perID.append((resource, id, action))
            case .unknown:
                continue
            }
        }
        var result = globals
        for scope in perID where !globals.contains("\(scope.resource):\(scope.action)") {
            result.insert("\(scope.resource):\(scope.id):\(scope.action)")
        }
        return result.sorted()
    }

    /// The requested scopes that `granted` does not cover (empty when the request is allowed).
    ///
    /// A requested scope is covered when a granted scope satisfies it with the verifier's own
    /// matching rules, so a token can never carry more than its subject holds.
    public static func uncovered(_ requested: [String], by granted: [String], adminScope: String = Scope.defaultAdminScope) -> [String] {
        let held = ScopeSet(granted, adminScope: adminScope)
        return requested.filter { raw in
            let scope = Scope(raw, adminScope: adminScope)
            switch scope.kind {
            case .admin: return !held.isAdmin
            case .unknown: return true
            case .global, .resource: return !held.satisfies(scope)
            }
        }
    }
}
