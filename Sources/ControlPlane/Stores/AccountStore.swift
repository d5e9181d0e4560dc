import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// SQL of a user's own account: profile, password, sessions, password-reset codes.
struct AccountStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    func user(_ id: UUID) async throws -> (user: User, passwordHash: String?)? {
        let rows = try await client.query("SELECT id, email, name, password_hash FROM users WHERE id = \(id)", logger: logger)
        return try await rows.decode((UUID, String, String, String?).self).collect().first.map {
            (User(id: $0.0, email: $0.1, name: $0.2), $0.3)
        }
    }

    /// A user by id or email (case-insensitive).
    func user(reference: String) async throws -> User? {
        let id = UUID(uuidString: reference)
        let rows = try await client.query(
            "SELECT id, email, name FROM users WHERE id = \(id) OR (\(id == nil) AND lower(email) = lower(\(reference)))",
            logger: logger
        )
        return try await rows.decode((UUID, String, String).self).collect().first.map { User(id: $0.0, email: $0.1, name: $0.2) }
    }

    /// The user's joined memberships: (organisation, role, disabled).
    func memberships(user: UUID) async throws -> [(Organization, OrgRole, Bool)] {
        let rows = try await client.query(
            """
            SELECT g.id, g.slug, g.name, g.created_at, g.require_mfa, m.role, m.disabled FROM org_members m JOIN organizations g ON g.id = m.org_id
            WHERE m.user_id = \(user) AND m.state = 'active' ORDER BY g.slug
            """,
            logger: logger
        )
        return try await rows.decode((UUID, String, String, Date, Bool, OrgRole, Bool).self).collect().map {
            (Organization(id: $0.0, slug: $0.1, name: $0.2, createdAt: $0.3, requireMFA: $0.4), $0.5, $0.6)
        }
    }

    /// The organisations `user` has a membership of, in any state (where a reset is audited).
    func organizations(of user: UUID, on connection: PostgresConnection) async throws -> [UUID] {
        let rows = try await connection.query("SELECT org_id FROM org_members WHERE user_id = \(user)", logger: logger)
        return try await rows.decode(UUID.self).collect()
    }

    func setPassword(user: UUID, hash: String, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE users SET password_hash = \(hash) WHERE id = \(user)", logger: logger)
    }

    /// Ends the user's live sessions except the one with `keep` (the caller's own, on a change).
    func revokeSessions(user: UUID, keep: Data?, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE sessions SET revoked_at = \(at)
            WHERE user_id = \(user) AND revoked_at IS NULL AND (\(keep)::bytea IS NULL OR token_hash <> \(keep))
            """,
            logger: logger
        )
    }

    /// Revokes the user's API keys except `keep` (the caller's own, on a password change).
    func revokeAPIKeys(user: UUID, keep: UUID? = nil, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE api_keys SET revoked_at = \(at) WHERE user_id = \(user) AND revoked_at IS NULL AND id IS DISTINCT FROM \(keep)",
            logger: logger
        )
    }

    /// Live sessions: (id, created, expires, token hash).
    func sessions(user: UUID, at: Date, after: ListCursor.TimeKey?, limit: Int) async throws -> [(UUID, Date, Date, Data)] {
        let key = after ?? .start
        let rows = try await client.query(
            """
            SELECT id, created_at, expires_at, token_hash FROM sessions
            WHERE user_id = \(user) AND revoked_at IS NULL AND expires_at > \(at)
              AND (\(after == nil) OR (created_at, id) > (timestamptz 'epoch' + \(key.micros) * interval '1 microsecond', \(key.id)))
            ORDER BY created_at, id LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode((UUID, Date, Date, Data).self).collect()
    }

    func revokeSession(id: UUID, user: UUID, at: Date) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE sessions SET revoked_at = \(at) WHERE id = \(id) AND user_id = \(user) AND revoked_at IS NULL RETURNING id",
            logger: logger
        )
        return try await !rows.decode(UUID.self).collect().isEmpty
    }

    /// Stores a reset code; `issuerOrg` is the organisation whose admin issued it (`nil`: a superuser key).
    func insertReset(_ code: OneTimeCode, user: UUID, by actor: String, issuerOrg: UUID?, at: Date, on connection: PostgresConnection)
        async throws
    {
        try await connection.query(
            """
            INSERT INTO password_resets (id, user_id, code_hash, created_by, issuer_org, created_at, expires_at)
            VALUES (\(code.id), \(user), \(Secrets.hash(code.code)), \(actor), \(issuerOrg), \(at), \(code.expiresAt))
            """,
            logger: logger
        )
    }

    /// The unspent reset with this hash, without spending it: (user, email).
    func peekReset(hash: Data, at: Date) async throws -> (user: UUID, email: String)? {
        let rows = try await client.query(
            """
            SELECT r.user_id, u.email, r.code_hash FROM password_resets r JOIN users u ON u.id = r.user_id
            WHERE r.code_hash = \(hash) AND r.used_at IS NULL AND r.expires_at > \(at)
            """,
            logger: logger
        )
        guard let row = try await rows.decode((UUID, String, Data).self).collect().first, AuthGate.constantTimeEquals(row.2, hash) else {
            return nil
        }
        return (row.0, row.1)
    }

    /// Spends a reset code (one of concurrent redemptions wins); the user it was for.
    func takeReset(hash: Data, at: Date, on connection: PostgresConnection) async throws -> SpentReset? {
        let rows = try await connection.query(
            """
            UPDATE password_resets SET used_at = \(at)
            WHERE code_hash = \(hash) AND used_at IS NULL AND expires_at > \(at) RETURNING user_id, code_hash, created_by, issuer_org
            """,
            logger: logger
        )
        guard let row = try await rows.decode((UUID, Data, String, UUID?).self).collect().first, AuthGate.constantTimeEquals(row.1, hash)
        else {
            return nil
        }
        return SpentReset(user: row.0, issuedBy: row.2, issuerOrg: row.3)
    }

    /// Whether the authority that issued a reset still covers the account (docs/security.md,
    /// "Credentials are their owner's"): a superuser key still live; or an org admin who is
    /// still an active, enabled admin (owner, for an owner) of the issuing organisation, of
    /// which the account is still a member, and of no other organisation, in any state.
    func resetAuthorityHolds(_ reset: SpentReset, at: Date, on connection: PostgresConnection) async throws -> Bool {
        let parts = reset.issuedBy.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let issuer = UUID(uuidString: String(parts[1])) else { return false }
        guard let org = reset.issuerOrg else {
            guard parts[0] == "apikey" else { return false }
            let rows = try await connection.query(
                """
                SELECT count(*) FROM api_keys WHERE id = \(issuer) AND superuser AND revoked_at IS NULL
                AND (expires_at IS NULL OR expires_at > \(at))
                """,
                logger: logger
            )
            return try await (rows.decode(Int.self).collect().first ?? 0) == 1
        }
        guard parts[0] == "user" else { return false }
        let rows = try await connection.query(
            """
            SELECT
                (SELECT count(*) FROM org_members WHERE user_id = \(reset.user) AND org_id <> \(org)),
                (SELECT role FROM org_members WHERE user_id = \(reset.user) AND org_id = \(org)),
                (SELECT role FROM org_members WHERE user_id = \(issuer) AND org_id = \(org) AND state = 'active' AND NOT disabled)
            """,
            logger: logger
        )
        guard let row = try await rows.decode((Int, String?, String?).self).collect().first, row.0 == 0,
            let targetRole = row.1.flatMap(OrgRole.init(rawValue:)), let issuerRole = row.2.flatMap(OrgRole.init(rawValue:))
        else { return false }
        return issuerRole >= .admin && (targetRole != .owner || issuerRole == .owner)
    }

    func voidResets(user: UUID, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE password_resets SET used_at = \(at) WHERE user_id = \(user) AND used_at IS NULL", logger: logger)
    }
}

/// A reset code just spent: whose account, and on whose authority it was issued.
struct SpentReset: Sendable {
    var user: UUID
    /// The issuer's audit actor (`apikey:<id>` or `user:<id>`).
    var issuedBy: String
    /// The organisation whose admin issued it; `nil` for a superuser key.
    var issuerOrg: UUID?
}
