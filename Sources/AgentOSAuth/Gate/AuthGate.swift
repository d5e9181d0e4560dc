public import Foundation

/// Request → decision: reads the credential, verifies it, and checks the route's scopes, as
/// Agno's `AuthMiddleware` does (`agno-reference.md` §1.12).
public struct AuthGate: Sendable {
    /// The configuration in force.
    public let configuration: AgentOSAuthConfiguration
    /// The JWT verifier, when JWT is configured.
    public let verifier: TokenVerifier?
    private let excluded: [PathPattern]
    private let securityKey: [UInt8]?

    /// Builds a gate. For a JWKS URL, call ``start()`` before serving.
    ///
    /// - Parameter now: the clock used for token times (inject one in tests).
    /// - Throws: ``AgentOSAuthError`` (``AgentOSAuthError/Code/invalidConfiguration``) for contradictory settings.
    public init(
        configuration: AgentOSAuthConfiguration,
        jwksFetcher: RemoteJWKS.Fetcher? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws(AgentOSAuthError) {
        try configuration.validate()
        self.configuration = configuration
        self.excluded = configuration.excludedPaths.map(PathPattern.init)
        self.securityKey = configuration.securityKey.map { Array($0.utf8) }
        if configuration.usesJWT {
            let remote = configuration.jwksURL.map {
                RemoteJWKS(url: $0, refetchInterval: configuration.jwksRefetchInterval, fetcher: jwksFetcher)
            }
            let keys = KeySet(
                staticKeys: configuration.verificationKeys,
                jwksKeys: configuration.jwksFileKeys,
                jwksDefault: configuration.jwksFileDefaultKey
            )
            let options = TokenVerifier.Options(
                audience: configuration.osID,
                verifyAudience: configuration.verifyAudience,
                issuer: configuration.issuer,
                requireExpiration: configuration.requireExpiration
            )
            self.verifier = TokenVerifier(keys: keys, remote: remote, options: options, now: now)
        } else {
            self.verifier = nil
        }
    }

    /// Fetches the JWKS URL, if one is configured. Call once before serving.
    public func start() async throws {
        try await verifier?.remote?.refresh()
    }

    /// `auth_mode` as `/info` reports it.
    public var authMode: Principal.AuthMode {
        if configuration.usesJWT { return .jwt }
        return configuration.securityKey == nil ? .none : .securityKey
    }

    /// Decides one request.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: the request path without query string.
    ///   - authorization: the `Authorization` header value, if any.
    public func decide(method: String, path rawPath: String, authorization: String?) async -> GateDecision {
        let method = method.uppercased()
        let path = Self.normalize(rawPath)
        if isExcluded(method: method, path: path, rawPath: rawPath) { return .excluded }

        let principal: Principal
        switch authMode {
        case .none:
            return .allowed(Principal(mode: .none, subject: nil, sessionID: nil, scopes: ScopeSet([]), claims: [:], enforcesScopes: false))
        case .securityKey:
            guard let token = Self.credential(authorization) else {
                return .denied(AgentOSAuthError(.missingCredentials, "Authorization header required"))
            }
            guard let key = securityKey, Self.constantTimeEquals(Array(token.utf8), key) else {
                return .denied(AgentOSAuthError(.invalidSecurityKey, "Invalid authentication token"))
            }
            return .allowed(
                Principal(mode: .securityKey, subject: nil, sessionID: nil, scopes: ScopeSet([]), claims: [:], enforcesScopes: false)
            )
        case .jwt:
            guard let token = Self.credential(authorization) else {
                return .denied(AgentOSAuthError(.missingCredentials, "Authorization header missing"))
            }
            do {
                let verified = try await verifier!.verify(token)
                principal = Principal(
                    mode: .jwt,
                    subject: verified.subject,
                    sessionID: verified.sessionID,
                    scopes: ScopeSet(verified.scopes, adminScope: configuration.adminScope),
                    claims: verified.claims,
                    enforcesScopes: configuration.authorization
                )
            } catch {
                return .denied(error)
            }
        }
        guard configuration.authorization else { return .allowed(principal) }
        return authorize(principal, method: method, path: path)
    }

    /// The scope gate: route lookup, family/id rewrite, AND across required scopes, and the
    /// GET-listing rule.
    func authorize(_ principal: Principal, method: String, path: String) -> GateDecision {
        switch check(principal.scopes, method: method, path: path) {
        case .allowed, .listing, .unmapped: .allowed(principal)
        case .denied(let error): .denied(error)
        }
    }

    /// What the gate would answer for a caller holding `scopes`, with the scopes involved — the
    /// same decision ``decide(method:path:authorization:)`` makes after the credential is verified.
    ///
    /// The control plane uses it to explain a decision without a running OS.
    public func evaluate(_ scopes: ScopeSet, method: String, path rawPath: String) -> AccessEvaluation {
        let method = method.uppercased()
        let path = Self.normalize(rawPath)
        if isExcluded(method: method, path: path, rawPath: rawPath) {
            return AccessEvaluation(allowed: true, status: 200, requiredScopes: [], matchedScopes: [], detail: "excluded path")
        }
        guard configuration.authorization else {
            return AccessEvaluation(allowed: true, status: 200, requiredScopes: [], matchedScopes: [], detail: "authorization is off")
        }
        let required = requiredScopes(method: method, path: path)
        let matched = scopes.scopes.filter { held in
            required.contains { ScopeSet([held.raw], adminScope: configuration.adminScope).satisfies($0) }
                || (held.kind == .admin)
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

    /// OPTIONS and the excluded paths (§1.10) pass without credentials.
    private func isExcluded(method: String, path: String, rawPath: String) -> Bool {
        method == "OPTIONS" || excluded.contains { $0.matches(path) || $0.matches(rawPath) }
    }

    private enum Check {
        case allowed, listing(resource: String, action: String), unmapped
        case denied(AgentOSAuthError)
    }

    private func requiredScopes(method: String, path: String) -> [Scope] {
        guard let rule = configuration.routes.rule(method: method, path: path) else { return [] }
        return requiredScopes(rule, path: path)
    }

    /// The rule's scopes, with a family's global scope rewritten to the id in the path (§2.3).
    private func requiredScopes(_ rule: RouteRule, path: String) -> [Scope] {
        let context = ResourceContext(path: path)
        return rule.scopes.map { raw -> Scope in
            let scope = Scope(raw, adminScope: configuration.adminScope)
            if let context, let id = context.id, case .global(let resource, let action) = scope.kind, resource == context.family {
                return Scope("\(resource):\(id):\(action)", adminScope: configuration.adminScope)
            }
            return scope
        }
    }

    private func check(_ scopes: ScopeSet, method: String, path: String) -> Check {
        guard let rule = configuration.routes.rule(method: method, path: path) else {
            if !configuration.denyUnmappedRoutes || scopes.isAdmin { return .unmapped }
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
        return .denied(Self.insufficient(rule.scopes))
    }

    /// Agno's 403 detail, naming the route's scopes in their global form.
    public static func insufficient(_ scopes: [String]) -> AgentOSAuthError {
        AgentOSAuthError(.insufficientScopes, "Insufficient permissions. Required scope(s): \(scopes.joined(separator: ", "))")
    }

    /// The bearer credential: `Bearer ` is optional and case-insensitive.
    static func credential(_ header: String?) -> String? {
        guard var value = header?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if value.count >= 7, value.prefix(7).lowercased() == "bearer " {
            value = String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return value.isEmpty ? nil : value
    }

    /// `/agents/` behaves like `/agents`.
    static func normalize(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path.isEmpty ? "/" : path
    }

    /// Compares without an early exit, so timing does not reveal how much of a secret matched.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        let count = max(lhs.count, rhs.count)
        for index in 0..<count {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
