import AgentOSAuth
import Foundation
import PostgresNIO

/// An RFC 6749 §5.2 error of the token endpoint.
public struct OAuthError: Error, Equatable, Sendable {
    public enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidScope = "invalid_scope"
        case unsupportedGrantType = "unsupported_grant_type"
        case unauthorizedClient = "unauthorized_client"
    }
    public var code: Code
    public var description: String
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

extension ControlPlaneService {
    /// The client-credentials grant (RFC 6749 §4.4) for a service account: authenticates the
    /// client, resolves `audience` = `<org>/<os>`, and issues a token with the account's scopes on
    /// that OS, narrowed to `requested` when given. One query, then the signature.
    public func clientCredentialsToken(clientID: String, secret: String, audience: String, requested: [String]?) async throws -> IssuedToken
    {
        guard clientID.hasPrefix("cpc_"), clientID.utf8.count <= 64, secret.utf8.count <= 256 else {
            throw OAuthError(.invalidClient, "client authentication failed")
        }
        let parts = audience.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, (try? Validation.slug(parts[0])) != nil, (try? Validation.osID(parts[1])) != nil else {
            throw OAuthError(.invalidRequest, "audience must be '<org>/<os id>'")
        }
        if let requested {
            for scope in requested where ScopeCatalog.lint(scope) != nil {
                throw OAuthError(.invalidScope, "scope '\(scope.prefix(200))': \(ScopeCatalog.lint(scope)!)")
            }
        }
        let rows = try await client.query(
            """
            SELECT sa.id, sa.secret_hash, sa.revoked_at IS NOT NULL, sa.name, g.slug, o.id,
              \(unescaped: Self.activeKidSQL),
              \(unescaped: Self.rawScopesSQL(column: "service_account_id", subject: "sa.id"))
            FROM service_accounts sa JOIN organizations g ON g.id = sa.org_id
            LEFT JOIN os_instances o ON o.org_id = g.id AND o.os_id = \(parts[1])
            WHERE sa.client_id = \(clientID)
            """,
            logger: logger
        )
        var found: (UUID, Data, Bool, String, String, UUID?, String?, [String])?
        for try await row in rows.decode((UUID, Data, Bool, String, String, UUID?, String?, [String]).self) { found = row }
        guard let (id, storedHash, revoked, _, orgSlug, osInternalID, activeKid, raw) = found,
            Self.constantTimeEquals(storedHash, Self.hash(secret)), !revoked
        else {
            throw OAuthError(.invalidClient, "client authentication failed")
        }
        // Another organisation's OS is reported like a missing one.
        guard orgSlug == parts[0], let osInternalID else { throw OAuthError(.invalidRequest, "unknown audience '\(audience.prefix(200))'") }
        let effective = ScopeCompiler.compile(raw)
        guard !effective.isEmpty else { throw OAuthError(.invalidScope, "the service account has no scopes on '\(audience)'") }
        var scopes = effective
        if let requested, !requested.isEmpty {
            let uncovered = ScopeCompiler.uncovered(requested, by: effective)
            guard uncovered.isEmpty else { throw OAuthError(.invalidScope, "scopes not granted: \(uncovered.joined(separator: " "))") }
            scopes = ScopeCompiler.compile(requested)
        }
        let subject = Subject(kind: .serviceAccount, id: id, label: "")
        let claims = AccessTokenClaims(
            issuer: settings.issuer,
            subject: subject.tokenSubject,
            audience: parts[1],
            issuedAt: now(),
            lifetime: min(settings.defaultTokenLifetime, settings.maxTokenLifetime),
            scopes: scopes,
            org: orgSlug
        )
        guard let activeKid else { throw Self.noActiveKey(parts[1]) }
        let signed = try await sign(claims, osInternalID: osInternalID, osID: parts[1], activeKid: activeKid)
        logger.info(
            "token issued",
            metadata: ["jti": "\(claims.jti)", "sub": "\(claims.sub)", "os": "\(audience)", "grant": "client_credentials"]
        )
        return IssuedToken(claims, signed: signed)
    }
}
