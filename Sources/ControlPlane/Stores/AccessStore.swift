import Foundation
import Logging
import PostgresNIO

/// SQL of `roles`, `role_scopes`, `role_bindings` and `scope_grants`.
struct AccessStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Inserts the built-in roles of `org` that are missing (idempotent).
    func installBuiltinRoles(org: UUID, at date: Date, on connection: PostgresConnection) async throws {
        for role in BuiltinRoles.all {
            let rows = try await connection.query(
                """
                INSERT INTO roles (id, org_id, slug, name, description, builtin, created_at, updated_at)
                VALUES (\(UUID()), \(org), \(role.slug), \(role.name), \(role.description), true, \(date), \(date))
                ON CONFLICT (org_id, slug) DO NOTHING RETURNING id
                """,
                logger: logger
            )
            guard let id = try await rows.decode(UUID.self).collect().first else { continue }
            try await setScopes(role.scopes, role: id, on: connection)
        }
    }

    /// Inserts a custom role; a taken slug is a conflict.
    func insert(_ role: Role, org: Organization, at: Date, on connection: PostgresConnection) async throws {
        do {
            try await connection.query(
                """
                INSERT INTO roles (id, org_id, slug, name, description, created_at, updated_at)
                VALUES (\(role.id), \(org.id), \(role.slug), \(role.name), \(role.description), \(at), \(at))
                """,
                logger: logger
            )
        } catch let error as PSQLError where error.isUniqueViolation {
            throw ControlPlaneError.conflict("role '\(role.slug)' already exists in '\(org.slug)'")
        }
        try await setScopes(role.scopes, role: role.id, on: connection)
    }

    /// Replaces a role's scopes, in one statement (not one round trip per scope).
    func setScopes(_ scopes: [String], role: UUID, at: Date? = nil, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM role_scopes WHERE role_id = \(role)", logger: logger)
        if !scopes.isEmpty {
            try await connection.query("INSERT INTO role_scopes (role_id, scope) SELECT \(role), unnest(\(scopes)::text[])", logger: logger)
        }
        if let at { try await connection.query("UPDATE roles SET updated_at = \(at) WHERE id = \(role)", logger: logger) }
    }

    typealias RoleRow = (UUID, String, String, String, Bool, [String])

    static func role(_ row: RoleRow) -> Role {
        Role(slug: row.1, name: row.2, description: row.3, builtin: row.4, scopes: row.5, id: row.0)
    }

    /// The roles of `org` (built-in first, then by slug) after the key `after` (custom, slug),
    /// at most `limit`; or the one named `slug`.
    func roles(org: UUID, slug: String?, after: (custom: Bool, slug: String)? = nil, limit: Int = 1) async throws -> [Role] {
        let from = after ?? (false, "")
        let rows = try await client.query(
            """
            SELECT r.id, r.slug, r.name, r.description, r.builtin,
                   coalesce(array_agg(s.scope ORDER BY s.scope) FILTER (WHERE s.scope IS NOT NULL), '{}')
            FROM roles r LEFT JOIN role_scopes s ON s.role_id = r.id
            WHERE r.org_id = \(org) AND (\(slug == nil) OR r.slug = \(slug))
              AND (\(after == nil) OR (NOT r.builtin, r.slug) > (\(from.custom), \(from.slug)))
            GROUP BY r.id ORDER BY NOT r.builtin, r.slug LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(RoleRow.self).collect().map(Self.role)
    }

    func bindingCount(role: UUID, on connection: PostgresConnection) async throws -> Int {
        try await (try await connection.query("SELECT count(*) FROM role_bindings WHERE role_id = \(role)", logger: logger))
            .decode(Int.self).collect().first ?? 0
    }

    /// Deletes a role; its bindings and scopes cascade.
    func delete(role: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM roles WHERE id = \(role)", logger: logger)
    }

    /// Inserts a binding; an identical one is a conflict (`nil` os = every OS of the organisation).
    func insert(_ binding: RoleBinding, role: UUID, org: UUID, os: UUID?, on connection: PostgresConnection) async throws {
        let user = binding.subject.kind == .user ? binding.subject.id : nil
        let account = binding.subject.kind == .serviceAccount ? binding.subject.id : nil
        do {
            try await connection.query(
                """
                INSERT INTO role_bindings (id, org_id, role_id, user_id, service_account_id, os_instance, created_at)
                VALUES (\(binding.id), \(org), \(role), \(user), \(account), \(os), \(binding.createdAt))
                """,
                logger: logger
            )
        } catch let error as PSQLError where error.isUniqueViolation {
            let scope = binding.os.map { "OS '\($0)'" } ?? "every OS"
            throw ControlPlaneError.conflict("'\(binding.subject.label)' already has role '\(binding.role)' on \(scope)")
        }
    }

    static func subject(user: UUID?, serviceAccount: UUID?, label: String) -> Subject {
        if let user { return Subject(kind: .user, id: user, label: label) }
        return Subject(kind: .serviceAccount, id: serviceAccount!, label: label)
    }

    /// Up to `limit` bindings created after `after`, oldest first.
    func bindings(org: UUID, after: ListCursor.TimeKey?, limit: Int) async throws -> [RoleBinding] {
        let key = after ?? .start
        let rows = try await client.query(
            """
            SELECT b.id, b.user_id, b.service_account_id, coalesce(u.email, sa.name), r.slug, o.os_id, b.created_at
            FROM role_bindings b JOIN roles r ON r.id = b.role_id
            LEFT JOIN users u ON u.id = b.user_id LEFT JOIN service_accounts sa ON sa.id = b.service_account_id
            LEFT JOIN os_instances o ON o.id = b.os_instance
            WHERE b.org_id = \(org)
              AND (\(after == nil) OR (b.created_at, b.id) > (timestamptz 'epoch' + \(key.micros) * interval '1 microsecond', \(key.id)))
            ORDER BY b.created_at, b.id LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode((UUID, UUID?, UUID?, String, String, String?, Date).self).collect().map {
            RoleBinding(
                id: $0.0,
                subject: Self.subject(user: $0.1, serviceAccount: $0.2, label: $0.3),
                role: $0.4,
                os: $0.5,
                createdAt: $0.6
            )
        }
    }

    /// Inserts a grant; an identical one is a conflict.
    func insert(_ grant: ScopeGrant, org: UUID, os: UUID, on connection: PostgresConnection) async throws {
        let user = grant.subject.kind == .user ? grant.subject.id : nil
        let account = grant.subject.kind == .serviceAccount ? grant.subject.id : nil
        do {
            try await connection.query(
                """
                INSERT INTO scope_grants (id, org_id, os_instance, user_id, service_account_id, scope, created_at)
                VALUES (\(grant.id), \(org), \(os), \(user), \(account), \(grant.scope), \(grant.createdAt))
                """,
                logger: logger
            )
        } catch let error as PSQLError where error.isUniqueViolation {
            throw ControlPlaneError.conflict("'\(grant.subject.label)' already has '\(grant.scope)' on OS '\(grant.os)'")
        }
    }

    /// Up to `limit` grants on `os` created after `after`, oldest first.
    func grants(os: OSInstance, after: ListCursor.TimeKey?, limit: Int) async throws -> [ScopeGrant] {
        let key = after ?? .start
        let rows = try await client.query(
            """
            SELECT g.id, g.user_id, g.service_account_id, coalesce(u.email, sa.name), g.scope, g.created_at
            FROM scope_grants g LEFT JOIN users u ON u.id = g.user_id LEFT JOIN service_accounts sa ON sa.id = g.service_account_id
            WHERE g.os_instance = \(os.internalID)
              AND (\(after == nil) OR (g.created_at, g.id) > (timestamptz 'epoch' + \(key.micros) * interval '1 microsecond', \(key.id)))
            ORDER BY g.created_at, g.id LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode((UUID, UUID?, UUID?, String, String, Date).self).collect().map {
            ScopeGrant(
                id: $0.0,
                subject: Self.subject(user: $0.1, serviceAccount: $0.2, label: $0.3),
                os: os.id,
                scope: $0.4,
                createdAt: $0.5
            )
        }
    }

    /// Deletes a binding of `org`; `false` when there is none with that id.
    /// Deletes a binding; its subject and OS (`nil`: org-wide), or `nil` when there is none.
    func deleteBinding(id: UUID, org: UUID, on connection: PostgresConnection) async throws -> (subject: Subject, os: UUID?)? {
        let rows = try await connection.query(
            "DELETE FROM role_bindings WHERE id = \(id) AND org_id = \(org) RETURNING user_id, service_account_id, os_instance",
            logger: logger
        )
        guard let (user, account, os) = try await rows.decode((UUID?, UUID?, UUID?).self).collect().first else { return nil }
        return (Self.subject(user: user, account: account), os)
    }

    /// The subject of a binding or grant row (exactly one of the two ids is set).
    static func subject(user: UUID?, account: UUID?) -> Subject {
        if let user { return Subject(kind: .user, id: user, label: "") }
        return Subject(kind: .serviceAccount, id: account ?? UUID(), label: "")
    }

    /// Deletes a grant of `os` (a grant of another OS is not found here).
    func deleteGrant(id: UUID, os: UUID, on connection: PostgresConnection) async throws -> Subject? {
        let rows = try await connection.query(
            "DELETE FROM scope_grants WHERE id = \(id) AND os_instance = \(os) RETURNING user_id, service_account_id",
            logger: logger
        )
        guard let (user, account) = try await rows.decode((UUID?, UUID?).self).collect().first else { return nil }
        return Self.subject(user: user, account: account)
    }

    /// Deletes every binding and grant of `subject` in `org`.
    func deleteAccess(of subject: Subject, org: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            "DELETE FROM role_bindings WHERE org_id = \(org) AND (user_id = \(subject.id) OR service_account_id = \(subject.id))",
            logger: logger
        )
        try await connection.query(
            "DELETE FROM scope_grants WHERE org_id = \(org) AND (user_id = \(subject.id) OR service_account_id = \(subject.id))",
            logger: logger
        )
    }

    /// Every raw scope of `subject` on `os` with its source: (scope, kind, binding or grant id, role slug, OS id).
    func sources(of subject: Subject, os: OSInstance) async throws -> [(String, EffectiveAccess.Source.Kind, UUID, String?, String?)] {
        let rows = try await client.query(
            """
            SELECT rs.scope, 'role', b.id, r.slug, o.os_id
            FROM role_bindings b JOIN roles r ON r.id = b.role_id JOIN role_scopes rs ON rs.role_id = r.id
            LEFT JOIN os_instances o ON o.id = b.os_instance
            WHERE b.org_id = \(os.orgID) AND (b.user_id = \(subject.id) OR b.service_account_id = \(subject.id))
              AND (b.os_instance IS NULL OR b.os_instance = \(os.internalID))
            UNION ALL
            SELECT g.scope, 'grant', g.id, NULL, \(os.id)
            FROM scope_grants g WHERE g.os_instance = \(os.internalID) AND (g.user_id = \(subject.id) OR g.service_account_id = \(subject.id))
            ORDER BY 1, 2, 4
            """,
            logger: logger
        )
        return try await rows.decode((String, String, UUID, String?, String?).self).collect().map {
            ($0.0, $0.1 == "role" ? .role : .grant, $0.2, $0.3, $0.4)
        }
    }
}
