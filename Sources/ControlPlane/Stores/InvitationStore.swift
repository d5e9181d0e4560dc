import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// SQL of `invitations` (and the membership state they activate).
struct InvitationStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    func insert(_ code: OneTimeCode, org: UUID, user: UUID, by actor: String, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO invitations (id, org_id, user_id, code_hash, created_by, created_at, expires_at)
            VALUES (\(code.id), \(org), \(user), \(Secrets.hash(code.code)), \(actor), \(at), \(code.expiresAt))
            """,
            logger: logger
        )
    }

    /// Revokes the member's unspent invitations in `org` (a new one replaces them; removal ends them).
    func revokePending(org: UUID, user: UUID, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE invitations SET revoked_at = \(at)
            WHERE org_id = \(org) AND user_id = \(user) AND accepted_at IS NULL AND revoked_at IS NULL
            """,
            logger: logger
        )
    }

    /// Revokes one unspent invitation of `org`; the user it was for, or `nil` when there is none.
    func revoke(id: UUID, org: UUID, at: Date, on connection: PostgresConnection) async throws -> UUID? {
        let rows = try await connection.query(
            """
            UPDATE invitations SET revoked_at = \(at)
            WHERE id = \(id) AND org_id = \(org) AND accepted_at IS NULL AND revoked_at IS NULL RETURNING user_id
            """,
            logger: logger
        )
        return try await rows.decode(UUID.self).collect().first
    }

    /// The organisation's invitations that were neither accepted nor revoked, newest first.
    /// Up to `limit` of them created before `after` (newest first).
    func open(org: UUID, at: Date, after: ListCursor.TimeKey?, limit: Int) async throws -> [Invitation] {
        let key = after ?? .start
        let rows = try await client.query(
            """
            SELECT i.id, u.id, u.email, u.name, m.role, i.created_by, i.created_at, i.expires_at
            FROM invitations i JOIN users u ON u.id = i.user_id
            JOIN org_members m ON m.org_id = i.org_id AND m.user_id = i.user_id
            WHERE i.org_id = \(org) AND i.accepted_at IS NULL AND i.revoked_at IS NULL
              AND (\(after == nil) OR (i.created_at, i.id) < (timestamptz 'epoch' + \(key.micros) * interval '1 microsecond', \(key.id)))
            ORDER BY i.created_at DESC, i.id DESC LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode((UUID, UUID, String, String, OrgRole, String, Date, Date).self).collect().map {
            Invitation(
                id: $0.0,
                user: User(id: $0.1, email: $0.2, name: $0.3),
                role: $0.4,
                createdBy: $0.5,
                createdAt: $0.6,
                expiresAt: $0.7,
                state: $0.7 > at ? .pending : .expired
            )
        }
    }

    /// The unspent, unexpired invitation with this code hash, without taking it: (org, user, email).
    func peek(hash: Data, at: Date) async throws -> (org: UUID, user: UUID, email: String)? {
        let rows = try await client.query(
            """
            SELECT i.org_id, i.user_id, u.email, i.code_hash FROM invitations i JOIN users u ON u.id = i.user_id
            WHERE i.code_hash = \(hash) AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > \(at)
            """,
            logger: logger
        )
        guard let row = try await rows.decode((UUID, UUID, String, Data).self).collect().first,
            AuthGate.constantTimeEquals(row.3, hash)
        else { return nil }
        return (row.0, row.1, row.2)
    }

    /// Spends the invitation: exactly one of concurrent redemptions gets the row (the others wait
    /// for its lock, then find `accepted_at` set). Returns (invitation, org, user).
    func take(hash: Data, at: Date, on connection: PostgresConnection) async throws -> (id: UUID, org: UUID, user: UUID)? {
        let rows = try await connection.query(
            """
            UPDATE invitations SET accepted_at = \(at)
            WHERE code_hash = \(hash) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > \(at)
            RETURNING id, org_id, user_id, code_hash
            """,
            logger: logger
        )
        guard let row = try await rows.decode((UUID, UUID, UUID, Data).self).collect().first,
            AuthGate.constantTimeEquals(row.3, hash)
        else { return nil }
        return (row.0, row.1, row.2)
    }

    /// Activates an invited membership; its role, or `nil` when it is gone or already active.
    func activate(org: UUID, user: UUID, at: Date, on connection: PostgresConnection) async throws -> OrgRole? {
        let rows = try await connection.query(
            """
            UPDATE org_members SET state = 'active', updated_at = \(at)
            WHERE org_id = \(org) AND user_id = \(user) AND state = 'invited' RETURNING role
            """,
            logger: logger
        )
        return try await rows.decode(OrgRole.self).collect().first
    }

    /// Gives a never-used account its name and first password. `false` when the account already
    /// has a credential or an active membership: such an account is never given a password
    /// through an invitation (its holder signs in and accepts instead).
    func claimNewAccount(user: UUID, name: String, passwordHash: String, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE users u SET name = \(name), password_hash = \(passwordHash)
            WHERE u.id = \(user) AND u.password_hash IS NULL
              AND NOT EXISTS (SELECT 1 FROM org_members m WHERE m.user_id = u.id AND m.state = 'active')
              AND NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.user_id = u.id AND k.revoked_at IS NULL)
            RETURNING u.id
            """,
            logger: logger
        )
        return try await !rows.decode(UUID.self).collect().isEmpty
    }
}

extension InvitationStore {
    /// What a live invitation is for, read without spending it (the invitation page shows it
    /// before anyone types a password).
    func describe(hash: Data, at: Date) async throws -> InvitationPreview? {
        let rows = try await client.query(
            """
            SELECT g.slug, g.name, u.email, m.role, i.expires_at, i.code_hash
            FROM invitations i JOIN users u ON u.id = i.user_id JOIN organizations g ON g.id = i.org_id
            JOIN org_members m ON m.org_id = i.org_id AND m.user_id = i.user_id
            WHERE i.code_hash = \(hash) AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > \(at)
            """,
            logger: logger
        )
        guard let row = try await rows.decode((String, String, String, String, Date, Data).self).collect().first,
            AuthGate.constantTimeEquals(row.5, hash)
        else { return nil }
        return InvitationPreview(organizationSlug: row.0, organizationName: row.1, email: row.2, role: row.3, expiresAt: row.4)
    }
}
