import Foundation
import Logging
import PostgresNIO

/// SQL of `organizations` (and the caller's membership row when resolving standing).
struct OrganizationStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    typealias Row = (UUID, String, String, Date, Bool)

    static func organization(_ row: Row) -> Organization {
        Organization(id: row.0, slug: row.1, name: row.2, createdAt: row.3, requireMFA: row.4)
    }

    /// Inserts `org`; a taken slug is a conflict.
    func insert(_ org: Organization, on connection: PostgresConnection) async throws {
        do {
            try await connection.query(
                "INSERT INTO organizations (id, slug, name, created_at) VALUES (\(org.id), \(org.slug), \(org.name), \(org.createdAt))",
                logger: logger
            )
        } catch let error as PSQLError where error.isUniqueViolation {
            throw ControlPlaneError.conflict("organisation '\(org.slug)' already exists")
        }
    }

    /// Up to `limit` organisations whose slug sorts after `after`, by slug; only `org` when given.
    func all(only org: UUID?, after: String?, limit: Int) async throws -> [Organization] {
        let rows = try await client.query(
            """
            SELECT id, slug, name, created_at, require_mfa FROM organizations
            WHERE (\(org == nil) OR id = \(org)) AND slug > \(after ?? "") ORDER BY slug LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().map(Self.organization)
    }

    func find(slug: String) async throws -> Organization? {
        let rows = try await client.query(
            "SELECT id, slug, name, created_at, require_mfa FROM organizations WHERE slug = \(slug)",
            logger: logger
        )
        return try await rows.decode(Row.self).collect().first.map(Self.organization)
    }

    func find(id: UUID, on connection: PostgresConnection) async throws -> Organization? {
        let rows = try await connection.query(
            "SELECT id, slug, name, created_at, require_mfa FROM organizations WHERE id = \(id)",
            logger: logger
        )
        return try await rows.decode(Row.self).collect().first.map(Self.organization)
    }

    /// A caller's standing as stored: the organisation, the user's active membership of it (an
    /// invited one counts as none) and whether the user has TOTP on.
    struct Standing {
        var org: Organization
        var role: OrgRole?
        var disabled: Bool?
        var hasTOTP: Bool
    }

    /// The organisation and `user`'s standing in it, in one round trip.
    func withMembership(slug: String, user: UUID?) async throws -> Standing? {
        let rows = try await client.query(
            """
            SELECT g.id, g.slug, g.name, g.created_at, g.require_mfa, m.role, m.disabled,
                   EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = \(user) AND t.confirmed_at IS NOT NULL)
            FROM organizations g
            LEFT JOIN org_members m ON m.org_id = g.id AND m.user_id = \(user) AND m.state = 'active'
            WHERE g.slug = \(slug)
            """,
            logger: logger
        )
        return try await rows.decode((UUID, String, String, Date, Bool, OrgRole?, Bool?, Bool).self).collect().first.map {
            Standing(org: Self.organization(($0.0, $0.1, $0.2, $0.3, $0.4)), role: $0.5, disabled: $0.6, hasTOTP: $0.7)
        }
    }

    /// Sets the organisation's MFA requirement.
    /// Writes the organisation's name and `require_mfa`.
    /// A 404 when the organisation is gone (deleted since the caller's standing was read): the
    /// change did not happen, so neither may its audit event.
    func update(_ org: Organization, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            "UPDATE organizations SET name = \(org.name), require_mfa = \(org.requireMFA) WHERE id = \(org.id) RETURNING id",
            logger: logger
        )
        guard try await !rows.decode(UUID.self).collect().isEmpty else {
            throw ControlPlaneError.notFound("organisation '\(org.slug)' not found")
        }
    }

    /// The organisations `user` is an active member of (joined, not disabled).
    func memberships(user: UUID, after: String?, limit: Int) async throws -> [Organization] {
        let rows = try await client.query(
            """
            SELECT g.id, g.slug, g.name, g.created_at, g.require_mfa FROM organizations g
            JOIN org_members m ON m.org_id = g.id AND m.user_id = \(user) AND NOT m.disabled AND m.state = 'active'
            WHERE g.slug > \(after ?? "") ORDER BY g.slug LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().map(Self.organization)
    }

    func ids(on connection: PostgresConnection) async throws -> [UUID] {
        try await (try await connection.query("SELECT id FROM organizations", logger: logger)).decode(UUID.self).collect()
    }

    /// Deletes the organisation; everything in it cascades, the audit trail stays.
    func delete(_ org: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM organizations WHERE id = \(org)", logger: logger)
    }
}
