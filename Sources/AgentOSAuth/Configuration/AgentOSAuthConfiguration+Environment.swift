import Foundation

extension AgentOSAuthConfiguration {
    /// Reads the configuration from environment variables (the table in `docs/agno-compatibility.md`).
    ///
    /// Unset and empty variables keep the defaults (except `JWT_STATUS_LIST_ORIGIN`: set but empty
    /// is refused). The combination is checked later, by
    /// ``validate()``, when an ``AuthGate`` is built.
    ///
    /// - Throws: ``AgentOSAuthError`` naming the variable when a value cannot be used (an
    ///   unparseable key, a JWKS file without a usable key, a `JWT_JWKS_URL` that is not https or
    ///   loopback http, a flag that is not true/false, a number that is not a number).
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
        func seconds(_ name: String, allowZero: Bool) throws -> TimeInterval? {
            guard let raw = value(name) else { return nil }
            guard let seconds = TimeInterval(raw), seconds.isFinite, allowZero ? seconds >= 0 : seconds > 0 else {
                throw AgentOSAuthError(
                    .invalidConfiguration,
                    "\(name) must be a \(allowZero ? "non-negative" : "positive") number of seconds"
                )
            }
            return seconds
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
            guard let url = URL(string: raw), DocumentRequest.isAllowedURL(url) else {
                throw AgentOSAuthError(
                    .invalidConfiguration,
                    "JWT_JWKS_URL must be an https URL (plain http only to localhost, 127.0.0.0/8 or ::1): \(raw)"
                )
            }
            jwksURL = url
        }
        jwksPolicy.refetchInterval = try seconds("JWT_JWKS_REFETCH_INTERVAL", allowZero: true) ?? jwksPolicy.refetchInterval
        jwksPolicy.maxStaleness = try seconds("JWT_JWKS_MAX_STALENESS", allowZero: false) ?? jwksPolicy.maxStaleness
        // Unlike the other settings, set-but-empty is refused: `JWT_STATUS_LIST_ORIGIN=${CP_URL}`
        // with CP_URL unset would otherwise turn revocation off without a word.
        if environment["JWT_STATUS_LIST_ORIGIN"] != nil, value("JWT_STATUS_LIST_ORIGIN") == nil {
            throw AgentOSAuthError(
                .invalidConfiguration,
                "JWT_STATUS_LIST_ORIGIN is set but empty; give the control plane's origin, or unset it to run without revocation"
            )
        }
        if let raw = value("JWT_STATUS_LIST_ORIGIN") {
            guard let origin = Self.origin(raw) else {
                throw AgentOSAuthError(
                    .invalidConfiguration,
                    "JWT_STATUS_LIST_ORIGIN must be scheme://host[:port] (https; plain http only to localhost, 127.0.0.0/8 or ::1): \(raw)"
                )
            }
            statusListOrigin = origin
        }
        statusListPolicy.maxStaleness = try seconds("JWT_STATUS_LIST_MAX_STALENESS", allowZero: false) ?? statusListPolicy.maxStaleness
        statusListPolicy.refetchInterval =
            try seconds("JWT_STATUS_LIST_REFETCH_INTERVAL", allowZero: true) ?? statusListPolicy.refetchInterval
        securityKey = value("OS_SECURITY_KEY")
        osID = value("AGENT_OS_ID")
        issuer = value("JWT_ISSUER")
        adminScope = value("AGENTOS_ADMIN_SCOPE") ?? Scope.defaultAdminScope
        authorization = try flag("AGENTOS_AUTHORIZATION", default: true)
        disabled = try flag("AGENTOS_AUTH_DISABLED", default: false)
        requireExpiration = try flag("AGENTOS_AUTH_REQUIRE_EXP", default: true)
        verifyAudience = try flag("AGENTOS_AUTH_VERIFY_AUDIENCE", default: true)
        denyUnmappedRoutes = try flag("AGENTOS_AUTH_DENY_UNMAPPED_ROUTES", default: true)
        allowSecurityKeyWithJWT = try flag("AGENTOS_AUTH_ALLOW_SECURITY_KEY_WITH_JWT", default: false)
        requireAccessTokenType = try flag("AGENTOS_AUTH_REQUIRE_AT_JWT", default: false)
        if try flag("AGENTOS_COMPANY", default: false) { routes = .agnoCompany }
    }
}
