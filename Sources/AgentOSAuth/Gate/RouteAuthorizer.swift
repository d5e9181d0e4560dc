/// Agno's scope gate on its own (`docs/agno-compatibility.md`): which scopes a route needs and
/// whether a caller's scopes reach it — route lookup, family/id rewrite, AND across the required
/// scopes, and the GET-listing rule — with no credential involved.
///
/// ``AuthGate`` runs it after verifying a credential; the control plane uses it to explain a
/// decision without a running OS.
public struct RouteAuthorizer: Sendable {
    /// The route → scope table.
    public let routes: RouteTable
    /// The admin scope.
    public let adminScope: String
    /// Whether scopes are enforced at all (`AGENTOS_AUTHORIZATION`).
    public let authorization: Bool
    /// Whether a route with no mapping is refused to non-admins.
    public let denyUnmappedRoutes: Bool
    private let excluded: [PathPattern]
    /// Every scope the table names, parsed once: the gate looks a rule's scopes up per request.
    private let parsedScopes: [String: Scope]

    /// The scope gate of `configuration` (its routes, admin scope, excluded paths and switches).
    public init(configuration: AgentOSAuthConfiguration) {
        self.routes = configuration.routes
        self.adminScope = configuration.adminScope
        self.authorization = configuration.authorization
        self.denyUnmappedRoutes = configuration.denyUnmappedRoutes
        self.excluded = configuration.excludedPaths.map(PathPattern.init)
        var parsed: [String: Scope] = [:]
        for rule in configuration.routes.rules {
            for raw in rule.scopes where parsed[raw] == nil { parsed[raw] = Scope(raw, adminScope: configuration.adminScope) }
        }
        self.parsedScopes = parsed
    }

    /// What the gate would answer for a caller holding `scopes`, with the scopes involved — the
    /// decision ``AuthGate/decide(method:path:authorization:)`` makes after the credential is verified.
    ///
    /// - Parameter rawPath: the request path as the router sees it; it is canonicalised with
    ///   ``RequestPath/canonical(_:)`` (a refused path evaluates to 400).
    public func evaluate(_ scopes: ScopeSet, method rawMethod: String, path rawPath: String) -> AccessEvaluation {
        let method = Self.routeMethod(rawMethod)
        let path: String
        do {
            path = try RequestPath.canonical(rawPath)
        } catch {
            return AccessEvaluation(allowed: false, status: error.status, requiredScopes: [], matchedScopes: [], detail: error.message)
        }
        if isExcluded(method: rawMethod.uppercased(), path: path) {
            return AccessEvaluation(allowed: true, status: 200, requiredScopes: [], matchedScopes: [], detail: "excluded path")
        }
        guard authorization else {
            return AccessEvaluation(allowed: true, status: 200, requiredScopes: [], matchedScopes: [], detail: "authorization is off")
        }
        let required = routes.rule(method: method, path: path).map { requiredScopes($0, path: path) } ?? []
        let matched = scopes.scopes.filter { held in
            held.kind == .admin || required.contains { ScopeSet([held.raw], adminScope: adminScope).satisfies($0) }
        }.map(\.raw)
        switch check(scopes, method: method, path: path) {
        case .allowed:
            return AccessEvaluation(allowed: true, status: 200, requiredScopes: required.map(\.raw), matchedScopes: matched, detail: nil)
        case .listing(let resource, let action):
            let ids = scopes.scopes.filter {
                if case .resource(resource, _, action) = $0.kind { return true }
                return false
            }
            return AccessEvaluation(
                allowed: true,
                status: 200,
                requiredScopes: required.map(\.raw),
                matchedScopes: ids.map(\.raw),
                detail: "listing filtered to the ids the caller may \(action)"
            )
        case .unmapped:
            return AccessEvaluation(
                allowed: true,
                status: 200,
                requiredScopes: [],
                matchedScopes: matched,
                detail: "no scope is mapped to this route"
            )
        case .denied(let error):
            return AccessEvaluation(
                allowed: false,
                status: error.code.status,
                requiredScopes: required.map(\.raw),
                matchedScopes: matched,
                detail: error.message
            )
        }
    }

    /// OPTIONS and the excluded paths pass without credentials; `path` is canonical.
    func isExcluded(method: String, path: String) -> Bool {
        method == "OPTIONS" || excluded.contains { $0.matches(path) }
    }

    /// The refusal for `scopes` on `method path` (canonical), or `nil` when the gate lets it through.
    func refusal(_ scopes: ScopeSet, method: String, path: String) -> AgentOSAuthError? {
        guard authorization else { return nil }
        if case .denied(let error) = check(scopes, method: Self.routeMethod(method), path: path) { return error }
        return nil
    }

    /// The method the route table is consulted with: upper case, and HEAD as GET — routers that
    /// answer HEAD (Hummingbird's `autoGenerateHeadEndpoints`) run the GET handler for it.
    static func routeMethod(_ method: String) -> String {
        let method = method.uppercased()
        return method == "HEAD" ? "GET" : method
    }

    private enum Check {
        case allowed, listing(resource: String, action: String), unmapped
        case denied(AgentOSAuthError)
    }

    /// The rule's scopes, with a family's global scope rewritten to the id in the path (Agno's
    /// family/id rule: `agents:run` on `/agents/x/runs` is checked as `agents:x:run`).
    private func requiredScopes(_ rule: RouteRule, path: String) -> [Scope] {
        let context = ResourceContext(path: path)
        return rule.scopes.map { raw -> Scope in
            let scope = parsedScopes[raw] ?? Scope(raw, adminScope: adminScope)
            if let context, let id = context.id, case .global(let resource, let action) = scope.kind, resource == context.family {
                return Scope("\(resource):\(id):\(action)", adminScope: adminScope)
            }
            return scope
        }
    }

    private func check(_ scopes: ScopeSet, method: String, path: String) -> Check {
        guard let rule = routes.rule(method: method, path: path) else {
            if !denyUnmappedRoutes || scopes.isAdmin { return .unmapped }
            return .denied(AgentOSAuthError(.insufficientScopes, "Insufficient permissions. No scope is mapped to \(method) \(path)"))
        }
        let required = requiredScopes(rule, path: path)
        if required.allSatisfy(scopes.satisfies) { return .allowed }

        // Listing: GET on a family collection lets per-id readers through; the handler filters.
        if method == "GET", let context = ResourceContext(path: path), context.id == nil, let first = required.first,
            case .global(let resource, let action) = first.kind, resource == context.family,
            !scopes.accessibleIDs(resource, action: action).isEmpty
        {
            return .listing(resource: resource, action: action)
        }
        return .denied(AuthGate.insufficient(rule.scopes))
    }
}
