public import Foundation

/// Request → decision: reads the credential, verifies it, and checks the route's scopes, as
/// Agno's `AuthMiddleware` does (dispatch order in `docs/agno-compatibility.md`).
///
/// Fails closed: a configuration without a credential source is refused unless it says
/// ``AgentOSAuthConfiguration/disabled``; paths are decided in their canonical form
/// (``RequestPath``), and a path that could be read two ways is refused with 400.
public struct AuthGate: Sendable {
    /// The configuration in force.
    public let configuration: AgentOSAuthConfiguration
    /// The JWT verifier, when JWT is configured.
    public let verifier: TokenVerifier?
    /// The scope gate run after a credential is verified.
    public let authorizer: RouteAuthorizer
    private let metrics: VerifierMetrics
    private let securityKey: [UInt8]?

    /// Builds a gate. For a JWKS URL, call ``start()`` before serving.
    ///
    /// - Parameters:
    ///   - fetcher: fetches the JWKS of `JWT_JWKS_URL` and the lists of `JWT_STATUS_LIST_ORIGIN`
    ///     (`AgentOSAuthHTTPClient` has one); required when either is set.
    ///   - now: the clock used for token times and JWKS ages (inject one in tests).
    ///   - onEvent: where JWKS failures, stale keys and a disabled gate are reported.
    /// - Throws: ``AgentOSAuthError`` (``AgentOSAuthError/Code/invalidConfiguration``) for the
    ///   settings ``AgentOSAuthConfiguration/validate()`` refuses, and for a JWKS URL or a
    ///   status-list origin without a fetcher.
    public init(
        configuration: AgentOSAuthConfiguration,
        fetcher: DocumentFetcher? = nil,
        now: @escaping @Sendable () -> Date = Date.init,
        onEvent: @escaping AuthEventHandler = AuthEvent.standardError
    ) throws(AgentOSAuthError) {
        try configuration.validate()
        self.configuration = configuration
        self.authorizer = RouteAuthorizer(configuration: configuration)
        self.metrics = VerifierMetrics(os: configuration.osID)
        self.securityKey = configuration.securityKey.map { Array($0.utf8) }
        if configuration.usesJWT {
            var remote: RemoteJWKS?
            if let url = configuration.jwksURL {
                remote = RemoteJWKS(
                    url: url,
                    policy: configuration.jwksPolicy,
                    fetcher: try Self.fetcher(fetcher, for: "JWT_JWKS_URL"),
                    onEvent: onEvent,
                    osID: configuration.osID
                )
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
                requireExpiration: configuration.requireExpiration,
                adminScope: configuration.adminScope,
                requireAccessTokenType: configuration.requireAccessTokenType
            )
            var statusLists: StatusListChecker?
            if let origin = configuration.statusListOrigin {
                statusLists = try StatusListChecker(
                    origin: origin,
                    policy: configuration.statusListPolicy,
                    fetcher: try Self.fetcher(fetcher, for: "JWT_STATUS_LIST_ORIGIN"),
                    onEvent: onEvent
                )
            }
            if statusLists == nil {
                onEvent(
                    AuthEvent(
                        .info,
                        "JWT_STATUS_LIST_ORIGIN is not set: token status claims are ignored, so a revoked token is accepted until it expires"
                    )
                )
            }
            self.verifier = try TokenVerifier(keys: keys, remote: remote, statusLists: statusLists, options: options, now: now)
        } else {
            self.verifier = nil
        }
        if configuration.disabled {
            onEvent(AuthEvent(.error, "AGENTOS_AUTH_DISABLED=true: authentication is off, every request is served without a credential"))
        }
    }

    /// The fetcher a setting naming something to fetch needs: this library does no I/O itself.
    private static func fetcher(_ fetcher: DocumentFetcher?, for setting: String) throws(AgentOSAuthError) -> DocumentFetcher {
        guard let fetcher else {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "\(setting) is set but the gate has no fetcher: pass AuthGate(configuration:fetcher:) one "
                    + "(HTTPClientDocumentFetcher of AgentOSAuthHTTPClient)"
            )
        }
        return fetcher
    }

    /// Fetches the JWKS URL, if one is configured. Call once before serving.
    ///
    /// A 404/410 or `{"keys": []}` succeeds (nothing published: every token is refused).
    public func start() async throws {
        guard let verifier, let remote = verifier.remote else { return }
        try await remote.refresh(now: verifier.now())
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
    ///   - path: the request path without query string, exactly as the router matches it (not
    ///     percent-decoded); see ``RequestPath`` for its canonical form and the paths refused.
    ///   - authorization: the `Authorization` header value, if any.
    public func decide(method: String, path rawPath: String, authorization: String?) async -> GateDecision {
        let decision = await decision(method: method, path: rawPath, authorization: authorization)
        metrics.record(decision)
        return decision
    }

    private func decision(method: String, path rawPath: String, authorization: String?) async -> GateDecision {
        let method = method.uppercased()
        let path: String
        do {
            path = try RequestPath.canonical(rawPath)
        } catch {
            return .denied(error)
        }
        if authorizer.isExcluded(method: method, path: path) { return .excluded }

        let principal: Principal
        switch await authenticate(authorization) {
        case .success(let found): principal = found
        case .failure(let error): return .denied(error)
        }
        // The security key and a disabled gate carry no scopes: only a JWT meets the scope gate.
        guard principal.mode == .jwt else { return .allowed(principal) }
        if let refusal = authorizer.refusal(principal.scopes, method: method, path: path) { return .denied(refusal) }
        return .allowed(principal)
    }

    /// Verifies a credential on its own, with no route: the principal it names, or the refusal
    /// (401) the gate would answer. For credentials that arrive outside a request's
    /// `Authorization` header, such as the `authenticate` message of Agno's workflow WebSocket.
    public func authenticate(_ authorization: String?) async -> Result<Principal, AgentOSAuthError> {
        switch authMode {
        case .none:
            // Only reachable with `disabled` (validate() refuses a silent open gate).
            return .success(Principal(mode: .none, subject: nil, sessionID: nil, scopes: ScopeSet([]), claims: [:], enforcesScopes: false))
        case .securityKey:
            guard let token = Self.credential(authorization) else {
                return .failure(AgentOSAuthError(.missingCredentials, "Authorization header required"))
            }
            guard let key = securityKey, Self.constantTimeEquals(token.utf8, key) else {
                return .failure(AgentOSAuthError(.invalidSecurityKey, "Invalid authentication token"))
            }
            return .success(
                Principal(mode: .securityKey, subject: nil, sessionID: nil, scopes: ScopeSet([]), claims: [:], enforcesScopes: false)
            )
        case .jwt:
            guard let token = Self.credential(authorization) else {
                return .failure(AgentOSAuthError(.missingCredentials, "Authorization header missing"))
            }
            guard let verifier else { return .failure(AgentOSAuthError(.invalidConfiguration, "no verifier")) }
            do {
                let verified = try await verifier.verify(token)
                return .success(
                    Principal(
                        mode: .jwt,
                        subject: verified.subject,
                        sessionID: verified.sessionID,
                        scopes: verified.scopeSet,
                        claims: verified.claims,
                        enforcesScopes: configuration.authorization
                    )
                )
            } catch {
                return .failure(error)
            }
        }
    }

    /// What the gate would answer for a caller holding `scopes`; see ``RouteAuthorizer/evaluate(_:method:path:)``.
    public func evaluate(_ scopes: ScopeSet, method: String, path: String) -> AccessEvaluation {
        authorizer.evaluate(scopes, method: method, path: path)
    }

    /// Agno's 403 detail, naming the route's scopes in their global form.
    public static func insufficient(_ scopes: [String]) -> AgentOSAuthError {
        AgentOSAuthError(.insufficientScopes, "Insufficient permissions. Required scope(s): \(scopes.joined(separator: ", "))")
    }

    /// The bearer credential: `Bearer ` is optional and case-insensitive.
    static func credential(_ header: String?) -> String? { BearerCredential.parse(header) }

    /// Whether two secrets (or their digests) are equal, in time that depends on their lengths
    /// only: `==` stops at the first differing byte, so its timing would tell an attacker how much
    /// of a guess matched. The one comparison for secrets in this package (the control plane
    /// compares its stored digests with it too).
    public static func constantTimeEquals(_ lhs: some Sequence<UInt8>, _ rhs: some Sequence<UInt8>) -> Bool {
        var left = lhs.makeIterator()
        var right = rhs.makeIterator()
        var difference: UInt8 = 0
        while true {
            let leftByte = left.next()
            let rightByte = right.next()
            if leftByte == nil, rightByte == nil { return difference == 0 }
            difference |= (leftByte ?? 0) ^ (rightByte ?? 0)
            // A byte missing on one side is a difference: the longer side is still read to its end.
            if (leftByte == nil) != (rightByte == nil) { difference |= 1 }
        }
    }
}
