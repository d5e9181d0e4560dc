import AgentOSAuth
import Foundation
import Logging

extension TokenIssuer {
    /// The client-credentials grant (RFC 6749 §4.4) for a service account: authenticates the
    /// client, resolves `audience` = `<org>/<os>`, and issues a token with the account's scopes on
    /// that OS, narrowed to `requested` when given. One prepared query, then the signature.
    public func clientCredentials(clientID: String, secret: String, audience: String, requested: [String]?) async throws -> IssuedToken {
        guard clientID.hasPrefix("cpc_"), clientID.utf8.count <= 64, secret.utf8.count <= 256 else {
            throw OAuthError(.invalidClient, "client authentication failed")
        }
        let parts = audience.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, (try? Validation.slug(parts[0])) != nil, (try? Validation.osID(parts[1])) != nil else {
            throw OAuthError(.invalidRequest, "audience must be '<org>/<os id>'")
        }
        if let requested {
            for scope in requested {
                if let problem = ScopeCatalog.lint(scope) { throw OAuthError(.invalidScope, "scope '\(scope.prefix(200))': \(problem)") }
            }
        }
        let row = try await store.clientCredentialsRow(ClientCredentialsQuery(clientID: clientID, os: parts[1]), now: now())
        guard let row, Secrets.constantTimeEquals(row.secretHash, Secrets.hash(secret)), !row.revoked else {
            throw OAuthError(.invalidClient, "client authentication failed")
        }
        // Another organisation's OS is reported like a missing one.
        guard row.orgSlug == parts[0], let osInternalID = row.osInternalID else {
            throw OAuthError(.invalidRequest, "unknown audience '\(audience.prefix(200))'")
        }
        let effective = ScopeCompiler.compile(row.scopes)
        guard !effective.isEmpty else { throw OAuthError(.invalidScope, "the service account has no scopes on '\(audience)'") }
        var scopes = effective
        if let requested, !requested.isEmpty {
            let uncovered = ScopeCompiler.uncovered(requested, by: effective)
            guard uncovered.isEmpty else { throw OAuthError(.invalidScope, "scopes not granted: \(uncovered.joined(separator: " "))") }
            scopes = ScopeCompiler.compile(requested)
        }
        let claims = AccessTokenClaims(
            issuer: settings.issuer,
            subject: Subject(kind: .serviceAccount, id: row.accountID, label: "").tokenSubject,
            audience: parts[1],
            issuedAt: now(),
            lifetime: min(settings.defaultTokenLifetime, settings.maxTokenLifetime),
            scopes: scopes,
            org: row.orgSlug,
            status: settings.statusLists ? try await statusLists.reserve(os: osInternalID, org: row.orgSlug, os: parts[1]) : nil,
            roles: row.roles
        )
        guard let activeKid = row.activeKid else { throw SigningKeys.noActiveKey(parts[1]) }
        let signed = try await signAndRecord(
            claims,
            osInternalID: osInternalID,
            osID: parts[1],
            activeKid: activeKid,
            generation: row.generation
        )
        logger.info(
            "token issued",
            metadata: ["jti": "\(claims.jti)", "sub": "\(claims.sub)", "os": "\(audience)", "grant": "client_credentials"]
        )
        return IssuedToken(claims, signed: signed)
    }
}
