public import Foundation

/// How an OS authenticates and authorizes requests.
///
/// Read it from the environment with ``init(environment:)`` — the same variable names as Agno
/// (`JWT_VERIFICATION_KEY`, `JWT_JWKS_FILE`, `OS_SECURITY_KEY`) plus `JWT_JWKS_URL`,
/// `AGENT_OS_ID` and `JWT_ISSUER` — or build it in code. ``validate()`` (run by ``AuthGate``)
/// refuses contradictory or unsafe combinations.
///
/// Safer defaults than Agno, each with one switch back to Agno's behaviour:
///
/// | Default | Switch (env) |
/// |---|---|
/// | `exp` required | ``requireExpiration`` (`AGENTOS_AUTH_REQUIRE_EXP=false`) |
/// | `aud` must equal the OS id | ``verifyAudience`` (`AGENTOS_AUTH_VERIFY_AUDIENCE=false`) |
/// | unmapped routes denied (403) | ``denyUnmappedRoutes`` (`AGENTOS_AUTH_DENY_UNMAPPED_ROUTES=false`) |
/// | JWT + `OS_SECURITY_KEY` refuse to start | ``allowSecurityKeyWithJWT`` (`AGENTOS_AUTH_ALLOW_SECURITY_KEY_WITH_JWT=true`) |
/// | no credential source refuses to start | ``disabled`` (`AGENTOS_AUTH_DISABLED=true`: an open OS) |
/// | a `typ` other than an access token's (`at+jwt`, `JWT`, none) or any `crit` refused | — (always) |
public struct AgentOSAuthConfiguration: Sendable {
    /// PEM public keys (`JWT_VERIFICATION_KEY`), tried in order.
    public var verificationKeys: [VerificationKey]
    /// Keys of a JWKS file (`JWT_JWKS_FILE`), by `kid`.
    public var jwksFileKeys: [String: VerificationKey]
    /// The kid-less key of the JWKS file, if any.
    public var jwksFileDefaultKey: VerificationKey?
    /// A JWKS URL (`JWT_JWKS_URL`), fetched and cached: `https`, or `http` to a loopback host.
    public var jwksURL: URL?
    /// How the JWKS of ``jwksURL`` is cached (default ``RemoteDocumentPolicy/jwks``): its
    /// minimum seconds between refetches (`JWT_JWKS_REFETCH_INTERVAL`) and the seconds after
    /// the last successful fetch during which its keys are still used (`JWT_JWKS_MAX_STALENESS`);
    /// past them every token is refused.
    public var jwksPolicy: RemoteDocumentPolicy
    /// The origin (`scheme://host[:port]`) whose Token Status Lists are checked
    /// (`JWT_STATUS_LIST_ORIGIN`): tokens whose `status.status_list.uri` lies under it are
    /// checked, other URIs are refused. `nil`: status claims are ignored (Agno's behaviour).
    public var statusListOrigin: String?
    /// How each status list is cached (default ``RemoteDocumentPolicy/statusLists``): its
    /// minimum seconds between two fetches (`JWT_STATUS_LIST_REFETCH_INTERVAL`) and the seconds
    /// after its last successful fetch during which it is still used
    /// (`JWT_STATUS_LIST_MAX_STALENESS`); past them, tokens pointing at it are refused.
    public var statusListPolicy: RemoteDocumentPolicy
    /// The shared secret of security-key mode (`OS_SECURITY_KEY`).
    public var securityKey: String?
    /// The OS id (`AGENT_OS_ID`): the expected `aud`.
    public var osID: String?
    /// A pinned issuer (`JWT_ISSUER`).
    public var issuer: String?
    /// The admin scope (`AGENTOS_ADMIN_SCOPE`, default `agent_os:admin`).
    public var adminScope: String
    /// Enforce scopes (Agno's `authorization=True`). When `false`, a valid token reaches every route.
    public var authorization: Bool
    /// Run without any authentication (`AGENTOS_AUTH_DISABLED=true`): every request passes. Only
    /// allowed with no credential source configured; ``AuthGate`` reports it as an error event.
    public var disabled: Bool
    /// The route → scope table: ``RouteTable/agnoDefault``, or ``RouteTable/agnoCompany`` with
    /// `AGENTOS_COMPANY=true`.
    public var routes: RouteTable
    /// Paths that need no credential (fnmatch patterns).
    public var excludedPaths: [String]
    /// See the type's table of safer defaults.
    public var requireExpiration: Bool
    /// See the type's table of safer defaults.
    public var verifyAudience: Bool
    /// See the type's table of safer defaults.
    public var denyUnmappedRoutes: Bool
    /// See the type's table of safer defaults.
    public var allowSecurityKeyWithJWT: Bool
    /// Accept only `typ: at+jwt` (`AGENTOS_AUTH_REQUIRE_AT_JWT=true`; default off, as tokens from
    /// Agno's control plane and PyJWT say `JWT`). Other kinds of JWT are refused either way.
    public var requireAccessTokenType: Bool

    /// Agno's default excluded paths.
    public static let defaultExcludedPaths = ["/", "/health", "/info", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"]

    /// The safer defaults and no credential source yet: add keys (or a security key) before
    /// building an ``AuthGate``, which otherwise refuses the configuration.
    public init() {
        self.verificationKeys = []
        self.jwksFileKeys = [:]
        self.jwksFileDefaultKey = nil
        self.jwksURL = nil
        self.jwksPolicy = .jwks
        self.statusListOrigin = nil
        self.statusListPolicy = .statusLists
        self.securityKey = nil
        self.osID = nil
        self.issuer = nil
        self.adminScope = Scope.defaultAdminScope
        self.authorization = true
        self.disabled = false
        self.routes = .agnoDefault
        self.excludedPaths = Self.defaultExcludedPaths
        self.requireExpiration = true
        self.verifyAudience = true
        self.denyUnmappedRoutes = true
        self.allowSecurityKeyWithJWT = false
        self.requireAccessTokenType = false
    }

    /// Whether any JWT key source is configured.
    public var usesJWT: Bool { !verificationKeys.isEmpty || !jwksFileKeys.isEmpty || jwksFileDefaultKey != nil || jwksURL != nil }

    /// Checks the combination of settings; called by ``AuthGate``.
    ///
    /// - Throws: ``AgentOSAuthError/Code/invalidConfiguration`` naming the variables when there
    ///   is no credential source (unless ``disabled``), when ``disabled`` is combined with one,
    ///   when JWT keys and `OS_SECURITY_KEY` are both set, when the audience is checked without
    ///   an OS id, or when `JWT_JWKS_URL` is not `https` (loopback excepted).
    public func validate() throws(AgentOSAuthError) {
        let hasSource = usesJWT || securityKey != nil
        if disabled && hasSource {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "AGENTOS_AUTH_DISABLED=true is set together with a credential source (JWT keys or OS_SECURITY_KEY); "
                    + "unset AGENTOS_AUTH_DISABLED to protect this OS, or remove the keys to run it open on purpose"
            )
        }
        if !disabled && !hasSource {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "no credential source: set JWT_VERIFICATION_KEY, JWT_JWKS_FILE or JWT_JWKS_URL (or OS_SECURITY_KEY); "
                    + "to run an OS without authentication on purpose, set AGENTOS_AUTH_DISABLED=true"
            )
        }
        if usesJWT && securityKey != nil && !allowSecurityKeyWithJWT {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "OS_SECURITY_KEY is set together with JWT verification keys; Agno would silently ignore the security key. "
                    + "Unset one of them, or set AGENTOS_AUTH_ALLOW_SECURITY_KEY_WITH_JWT=true to accept Agno's behaviour (JWT wins)."
            )
        }
        if usesJWT && verifyAudience && osID == nil {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "AGENT_OS_ID is required to check the token audience; set it to this OS's id "
                    + "(or AGENTOS_AUTH_VERIFY_AUDIENCE=false to skip the check, as Agno does by default)"
            )
        }
        if let jwksURL, !DocumentRequest.isAllowedURL(jwksURL) {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "JWT_JWKS_URL must be an https URL (plain http only to localhost, 127.0.0.0/8 or ::1): \(jwksURL.absoluteString)"
            )
        }
        if let statusListOrigin, Self.origin(statusListOrigin) != statusListOrigin {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "JWT_STATUS_LIST_ORIGIN must be scheme://host[:port], https (plain http only to a loopback host), no path: \(statusListOrigin)"
            )
        }
        guard statusListPolicy.maxStaleness.isFinite, statusListPolicy.maxStaleness > 0 else {
            throw AgentOSAuthError(.invalidConfiguration, "JWT_STATUS_LIST_MAX_STALENESS must be a positive number of seconds")
        }
        guard jwksPolicy.maxStaleness.isFinite, jwksPolicy.maxStaleness > 0 else {
            throw AgentOSAuthError(.invalidConfiguration, "JWT_JWKS_MAX_STALENESS must be a positive number of seconds")
        }
    }

    /// `text` as a status-list origin (`scheme://host[:port]`, https or loopback http, nothing
    /// after the authority but an optional `/`), or `nil` when it cannot be one.
    public static func origin(_ text: String) -> String? {
        var trimmed = text
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), DocumentRequest.isAllowedURL(url), let scheme = url.scheme, let host = url.host,
            url.path.isEmpty, url.query == nil, url.fragment == nil, url.user == nil, url.password == nil
        else { return nil }
        let origin = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)" + (url.port.map { ":\($0)" } ?? "")
        return origin == trimmed ? origin : nil
    }
}
