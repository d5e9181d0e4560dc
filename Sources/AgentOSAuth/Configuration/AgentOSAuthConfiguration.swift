public import Foundation

/// How an OS authenticates and authorizes requests.
///
/// Read it from the environment with ``init(environment:)`` — the same variable names as Agno
/// (`JWT_VERIFICATION_KEY`, `JWT_JWKS_FILE`, `OS_SECURITY_KEY`) plus `JWT_JWKS_URL`,
/// `AGENT_OS_ID` and `JWT_ISSUER` — or build it in code.
///
/// Safer defaults than Agno, each with one switch back to Agno's behaviour:
///
/// | Default | Switch (env) |
/// |---|---|
/// | `exp` required | ``requireExpiration`` (`AGENTOS_AUTH_REQUIRE_EXP=false`) |
/// | `aud` must equal the OS id | ``verifyAudience`` (`AGENTOS_AUTH_VERIFY_AUDIENCE=false`) |
/// | unmapped routes denied (403) | ``denyUnmappedRoutes`` (`AGENTOS_AUTH_DENY_UNMAPPED_ROUTES=false`) |
/// | JWT + `OS_SECURITY_KEY` refuse to start | ``allowSecurityKeyWithJWT`` (`AGENTOS_AUTH_ALLOW_SECURITY_KEY_WITH_JWT=true`) |
public struct AgentOSAuthConfiguration: Sendable {
    /// PEM public keys (`JWT_VERIFICATION_KEY`), tried in order.
    public var verificationKeys: [VerificationKey]
    /// Keys of a JWKS file (`JWT_JWKS_FILE`), by `kid`.
    public var jwksFileKeys: [String: VerificationKey]
    /// The kid-less key of the JWKS file, if any.
    public var jwksFileDefaultKey: VerificationKey?
    /// A JWKS URL (`JWT_JWKS_URL`), fetched and cached.
    public var jwksURL: URL?
    /// Minimum seconds between JWKS refetches (`JWT_JWKS_REFETCH_INTERVAL`, default 30).
    public var jwksRefetchInterval: TimeInterval
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
    /// The route → scope table.
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

    /// Agno's default excluded paths.
    public static let defaultExcludedPaths = ["/", "/health", "/info", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"]

    /// A configuration with no credential source (an open OS) and the safer defaults.
    public init() {
        self.verificationKeys = []
        self.jwksFileKeys = [:]
        self.jwksFileDefaultKey = nil
        self.jwksURL = nil
        self.jwksRefetchInterval = 30
        self.securityKey = nil
        self.osID = nil
        self.issuer = nil
        self.adminScope = Scope.defaultAdminScope
        self.authorization = true
        self.routes = .agnoDefault
        self.excludedPaths = Self.defaultExcludedPaths
        self.requireExpiration = true
        self.verifyAudience = true
        self.denyUnmappedRoutes = true
        self.allowSecurityKeyWithJWT = false
    }

    /// Whether any JWT key source is configured.
    public var usesJWT: Bool { !verificationKeys.isEmpty || !jwksFileKeys.isEmpty || jwksFileDefaultKey != nil || jwksURL != nil }

    /// Reads the configuration from environment variables.
    ///
    /// - Throws: ``AgentOSAuthError`` naming the variable when a value cannot be used.
    public init(environment: [String: String]) throws {
        self.init()
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { return nil }
            return raw
        }
        func flag(_ name: String, default defaultValue: Bool) throws -> Bool {
            guard let raw = value(name)?.lowercased() else { return defaultValue }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw AgentOSAuthError(.invalidConfiguration, "\(name) must be true or false")
            }
        }
        if let pem = value("JWT_VERIFICATION_KEY") {
            verificationKeys = try KeySet.parsePEMBlocks(pem)
        }
        if let path = value("JWT_JWKS_FILE") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AgentOSAuthError(.invalidConfiguration, "JWT_JWKS_FILE: cannot read \(path)")
            }
            let parsed = try KeySet.parseJWKS(data)
            jwksFileKeys = parsed.keys
            jwksFileDefaultKey = parsed.defaultKey
            if jwksFileKeys.isEmpty && jwksFileDefaultKey == nil {
                throw AgentOSAuthError(.invalidConfiguration, "JWT_JWKS_FILE: no usable key (\(parsed.skipped.joined(separator: "; ")))")
            }
        }
        if let raw = value("JWT_JWKS_URL") {
            guard let url = URL(string: raw), url.scheme == "https" || url.scheme == "http" else {
                throw AgentOSAuthError(.invalidConfiguration, "JWT_JWKS_URL must be an http(s) URL")
            }
            jwksURL = url
        }
        if let raw = value("JWT_JWKS_REFETCH_INTERVAL") {
            guard let seconds = TimeInterval(raw), seconds >= 0 else {
                throw AgentOSAuthError(.invalidConfiguration, "JWT_JWKS_REFETCH_INTERVAL must be a number of seconds")
            }
            jwksRefetchInterval = seconds
        }
        securityKey = value("OS_SECURITY_KEY")
        osID = value("AGENT_OS_ID")
        issuer = value("JWT_ISSUER")
        adminScope = value("AGENTOS_ADMIN_SCOPE") ?? Scope.defaultAdminScope
        authorization = try flag("AGENTOS_AUTHORIZATION", default: true)
        requireExpiration = try flag("AGENTOS_AUTH_REQUIRE_EXP", default: true)
        verifyAudience = try flag("AGENTOS_AUTH_VERIFY_AUDIENCE", default: true)
        denyUnmappedRoutes = try flag("AGENTOS_AUTH_DENY_UNMAPPED_ROUTES", default: true)
        allowSecurityKeyWithJWT = try flag("AGENTOS_AUTH_ALLOW_SECURITY_KEY_WITH_JWT", default: false)
    }

    /// Checks the combination of settings; called by ``AuthGate``.
    public func validate() throws(AgentOSAuthError) {
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
    }
}
