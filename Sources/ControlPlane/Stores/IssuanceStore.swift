import Foundation
import Logging
import PostgresNIO

/// The two statements on the token hot path, prepared once per connection: everything a token
/// needs (organisation, OS, active kid, the caller's membership, the subject and its raw scopes)
/// in one round trip, and none while the row is cached and nothing behind it changed
/// (``InvalidatedCache``, migration 0009).
struct IssuanceStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    let tokenRows: InvalidatedCache<TokenIssuanceQuery, TokenIssuanceQuery.Row>
    let clientRows: InvalidatedCache<ClientCredentialsQuery, ClientCredentialsQuery.Row>

    init(client: PostgresClient, epoch: CacheEpoch, logger: Logger) {
        self.client = client
        self.logger = logger
        self.tokenRows = InvalidatedCache(epoch: epoch)
        self.clientRows = InvalidatedCache(epoch: epoch)
    }

    func tokenRow(_ query: TokenIssuanceQuery, now: Date) async throws -> TokenIssuanceQuery.Row? {
        try await tokenRows.value(query, now: now) {
            try await client.execute(query, logger: logger).collect().first.map { ($0, nil) }
        }
    }

    func clientCredentialsRow(_ query: ClientCredentialsQuery, now: Date) async throws -> ClientCredentialsQuery.Row? {
        try await clientRows.value(query, now: now) {
            try await client.execute(query, logger: logger).collect().first.map { ($0, nil) }
        }
    }

    /// The OS's active kid (alias `o`), so a stale cached signer is noticed without another query.
    static let activeKid = "(SELECT k.kid FROM signing_keys k WHERE k.os_instance = o.id AND k.state = 'active')"

    /// The raw scopes of the subject (an SQL expression, never input) on the OS `o` of the organisation `g`: its org-wide and
    /// per-OS role bindings and its grants.
    /// The subject's revocation generation on `o` (0 when never revoked): read in the same
    /// snapshot as the scopes, compared again when the token's record is written.
    static func generation(of tokenSubject: String) -> String {
        "coalesce((SELECT w.generation FROM subject_revocations w WHERE w.os_instance = o.id AND w.subject = \(tokenSubject)), 0)"
    }

    /// The OS role slugs of the subject on `o`, when the OS asks for a `roles` claim.
    static func roleSlugs(of subject: String) -> String {
        """
        CASE WHEN coalesce(o.roles_claim, false) THEN ARRAY(
          SELECT DISTINCT r.slug FROM role_bindings b JOIN roles r ON r.id = b.role_id
          WHERE b.org_id = g.id AND (b.user_id = \(subject) OR b.service_account_id = \(subject))
            AND (b.os_instance IS NULL OR b.os_instance = o.id)
          ORDER BY 1
        ) END
        """
    }

    static func rawScopes(of subject: String) -> String {
        """
        ARRAY(
          SELECT rs.scope FROM role_bindings b JOIN role_scopes rs ON rs.role_id = b.role_id
          WHERE b.org_id = g.id AND (b.user_id = \(subject) OR b.service_account_id = \(subject))
            AND (b.os_instance IS NULL OR b.os_instance = o.id)
          UNION SELECT sg.scope FROM scope_grants sg
          WHERE sg.os_instance = o.id AND (sg.user_id = \(subject) OR sg.service_account_id = \(subject))
        )
        """
    }
}

/// `POST …/tokens`: the organisation by slug, its OS, the caller's membership and the subject
/// (a member by id or email, or a service account of the organisation).
struct TokenIssuanceQuery: PostgresPreparedStatement, Hashable {
    static let sql = """
        SELECT g.id, o.id, cm.role, cm.disabled, s.id, s.email, s.name, coalesce(s.disabled, false),
          \(IssuanceStore.activeKid), \(IssuanceStore.rawScopes(of: "s.id")),
          \(IssuanceStore.generation(of: "CASE WHEN $4 THEN s.id::text ELSE 'svc:' || s.id::text END")),
          \(IssuanceStore.roleSlugs(of: "s.id")),
          g.require_mfa, EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = $3 AND t.confirmed_at IS NOT NULL)
        FROM organizations g
        LEFT JOIN os_instances o ON o.org_id = g.id AND o.os_id = $2
        LEFT JOIN org_members cm ON cm.org_id = g.id AND cm.user_id = $3 AND cm.state = 'active'
        LEFT JOIN LATERAL (
          SELECT u.id, u.email, u.name, m.disabled FROM users u JOIN org_members m ON m.user_id = u.id AND m.org_id = g.id
          WHERE $4 AND (u.id = $5 OR lower(u.email) = lower($6))
          UNION ALL
          SELECT sa.id, NULL, sa.name, sa.revoked_at IS NOT NULL FROM service_accounts sa
          WHERE NOT $4 AND sa.id = $5 AND sa.org_id = g.id
          LIMIT 1
        ) s(id, email, name, disabled) ON true
        WHERE g.slug = $1
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .uuid, .bool, .uuid, .text]

    struct Row: Sendable {
        var orgID: UUID
        var osInternalID: UUID?
        var callerRole: OrgRole?
        var callerDisabled: Bool?
        var subjectID: UUID?
        var subjectEmail: String?
        var subjectName: String?
        var subjectDisabled: Bool
        var activeKid: String?
        var scopes: [String]
        var generation: Int64
        /// `nil` unless the OS emits a `roles` claim.
        var roles: [String]?
        var requireMFA: Bool
        /// The calling user has TOTP on.
        var callerHasTOTP: Bool
    }

    var org: String
    var os: String
    var callerUser: UUID?
    var subjectIsUser: Bool
    var subjectID: UUID?
    var subjectEmail: String?

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(org)
        bindings.append(os)
        bindings.append(callerUser)
        bindings.append(subjectIsUser)
        bindings.append(subjectID)
        bindings.append(subjectEmail)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (org, os, role, disabled, subject, email, name, subjectDisabled, kid, scopes, generation, roles, requireMFA, hasTOTP) =
            try row.decode(
                (UUID, UUID?, OrgRole?, Bool?, UUID?, String?, String?, Bool, String?, [String], Int64, [String]?, Bool, Bool).self
            )
        return Row(
            orgID: org,
            osInternalID: os,
            callerRole: role,
            callerDisabled: disabled,
            subjectID: subject,
            subjectEmail: email,
            subjectName: name,
            subjectDisabled: subjectDisabled,
            activeKid: kid,
            scopes: scopes,
            generation: generation,
            roles: roles,
            requireMFA: requireMFA,
            callerHasTOTP: hasTOTP
        )
    }
}

/// `POST /oauth/token`: the service account by client id, its organisation, the audience OS and
/// the account's raw scopes there.
struct ClientCredentialsQuery: PostgresPreparedStatement, Hashable {
    static let sql = """
        SELECT sa.id, sa.secret_hash, sa.revoked_at IS NOT NULL, g.slug, o.id,
          \(IssuanceStore.activeKid), \(IssuanceStore.rawScopes(of: "sa.id")),
          \(IssuanceStore.generation(of: "'svc:' || sa.id::text")), \(IssuanceStore.roleSlugs(of: "sa.id"))
        FROM service_accounts sa JOIN organizations g ON g.id = sa.org_id
        LEFT JOIN os_instances o ON o.org_id = g.id AND o.os_id = $2
        WHERE sa.client_id = $1
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text]

    struct Row: Sendable {
        var accountID: UUID
        var secretHash: Data
        var revoked: Bool
        var orgSlug: String
        var osInternalID: UUID?
        var activeKid: String?
        var scopes: [String]
        var generation: Int64
        var roles: [String]?
    }

    var clientID: String
    var os: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(clientID)
        bindings.append(os)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (id, hash, revoked, slug, os, kid, scopes, generation, roles) = try row.decode(
            (UUID, Data, Bool, String, UUID?, String?, [String], Int64, [String]?).self
        )
        return Row(
            accountID: id,
            secretHash: hash,
            revoked: revoked,
            orgSlug: slug,
            osInternalID: os,
            activeKid: kid,
            scopes: scopes,
            generation: generation,
            roles: roles
        )
    }
}
