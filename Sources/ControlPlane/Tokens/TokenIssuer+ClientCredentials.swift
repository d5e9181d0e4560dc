import AgentOSAuth
import Foundation

extension TokenIssuer {
    /// The client-credentials grant (RFC 6749 §4.4) for a service account: authenticates the
    /// client, resolves `audience` = `<org>/<os>`, and issues a token with the account's scopes on
    /// that OS, narrowed to `requested` when given. One prepared query, then the one issuance
    /// path (``mint(_:)``).
    ///
    /// Refusals are domain errors, which `/oauth/token` renders in RFC 6749 §5.2's form: the
    /// client `unauthenticated`, the scopes `scopesRefused` (also a malformed one), the audience
    /// `invalid` or `notFound`.
    public func clientCredentials(clientID: String, secret: String, audience: String, requested: [String]?) async throws -> IssuedToken {
        let unauthenticated = ControlPlaneError.unauthenticated("client authentication failed")
        // A client id is `cpc_` and hex (ServiceAccounts): anything else is no client, answered
        // before it reaches the database (which refuses a NUL with an error of its own).
        guard clientID.hasPrefix("cpc_"), clientID.utf8.count <= 64, clientID.dropFirst(4).allSatisfy({ $0.isASCII && $0.isHexDigit }),
            secret.utf8.count <= 256
        else { throw unauthenticated }
        // The same cap as `POST …/tokens` (Validation.scopes).
        if let requested, requested.count > 500 { throw ControlPlaneError.scopesRefused("at most 500 scopes") }
        let parts = audience.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, (try? Validation.slug(parts[0])) != nil, (try? Validation.osID(parts[1])) != nil else {
            throw ControlPlaneError.invalid("audience must be '<org>/<os id>'")
        }
        let (slug, osID) = (parts[0], parts[1])
        for scope in requested ?? [] {
            if let problem = ScopeCatalog.lint(scope) { throw ControlPlaneError.scopesRefused("scope '\(scope.prefix(200))': \(problem)") }
        }
        let row = try await store.clientCredentialsRow(ClientCredentialsQuery(clientID: clientID, os: osID), now: now())
        guard let row, AuthGate.constantTimeEquals(row.secretHash, Secrets.hash(secret)), !row.revoked else { throw unauthenticated }
        // Another organisation's OS is reported like a missing one.
        guard row.orgSlug == slug, let osInternalID = row.osInternalID else {
            throw ControlPlaneError.notFound("unknown audience '\(audience.prefix(200))'")
        }
        let grant = TokenGrant(
            org: slug,
            os: osID,
            osInternalID: osInternalID,
            read: row,
            subject: Subject(kind: .serviceAccount, id: row.accountID, label: ""),
            requested: requested,
            lifetime: try tokenLifetime(nil),
            caller: AuditActor("svc:\(row.accountID.lowercased)"),
            door: "client_credentials"
        )
        return try await mint(grant)
    }
}
