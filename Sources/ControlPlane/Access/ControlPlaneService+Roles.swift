import AgentOSAuth
import Foundation
import PostgresNIO

/// An OS role: a named bundle of scopes, bound to users and service accounts.
public struct Role: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var description: String
    public var builtin: Bool
    public var scopes: [String]
    var id: UUID
}

extension ControlPlaneService {
    /// Creates a custom role after linting every scope (`role.created` audited).
    public func createRole(_ access: OrgAccess, slug: String, name: String?, description: String?, scopes: [String]) async throws -> Role {
        try access.require(.manageAccess)
        try Validation.slug(slug)
        if let name { try Validation.name(name) }
        let scopes = try Validation.scopes(scopes)
        let role = Role(slug: slug, name: name ?? slug, description: description ?? "", builtin: false, scopes: scopes, id: UUID())
        guard role.description.count <= 1000 else { throw ControlPlaneError.invalid("description must be at most 1000 characters") }
        let at = now()
        do {
            try await client.transaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO roles (id, org_id, slug, name, description, created_at, updated_at)
                    VALUES (\(role.id), \(access.org.id), \(slug), \(role.name), \(role.description), \(at), \(at))
                    """,
                    logger: logger
                )
                try await BuiltinRoles.insertScopes(scopes, role: role.id, connection: connection, logger: logger)
                try await AuditLog.append(
                    connection,
                    org: access.org.id,
                    actor: access.caller.actor.id,
                    action: "role.created",
                    target: "role:\(slug)",
                    details: ["scopes": scopes.joined(separator: " ")],
                    at: at,
                    logger: logger
                )
            }
        } catch let error as PSQLError where error.sqlState == "23505" {
            throw ControlPlaneError.conflict("role '\(slug)' already exists in '\(access.org.slug)'")
        }
        return role
    }

    public func listRoles(_ access: OrgAccess) async throws -> [Role] {
        try access.require(.readAccess)
        return try await roles(org: access.org.id, slug: nil)
    }

    public func role(_ access: OrgAccess, slug: String) async throws -> Role {
        try access.require(.readAccess)
        guard let role = try await roles(org: access.org.id, slug: slug).first else { throw Self.noRole(slug) }
        return role
    }

    /// Replaces a custom role's scopes (`role.scopes_set` audited). Built-in roles are fixed.
    public func setRoleScopes(_ access: OrgAccess, slug: String, scopes: [String]) async throws -> Role {
        try access.require(.manageAccess)
        let scopes = try Validation.scopes(scopes)
        var role = try await mutableRole(access, slug: slug)
        let at = now()
        try await client.transaction(logger: logger) { connection in
            try await connection.query("DELETE FROM role_scopes WHERE role_id = \(role.id)", logger: logger)
            try await BuiltinRoles.insertScopes(scopes, role: role.id, connection: connection, logger: logger)
            try await connection.query("UPDATE roles SET updated_at = \(at) WHERE id = \(role.id)", logger: logger)
            try await AuditLog.append(
                connection,
                org: access.org.id,
                actor: access.caller.actor.id,
                action: "role.scopes_set",
                target: "role:\(slug)",
                details: ["scopes": scopes.joined(separator: " ")],
                at: at,
                logger: logger
            )
        }
        role.scopes = scopes
        return role
    }

    /// Deletes a custom role; 409 while it is bound unless `force` (which drops the bindings too).
    public func deleteRole(_ access: OrgAccess, slug: String, force: Bool) async throws {
        try access.require(.manageAccess)
        let role = try await mutableRole(access, slug: slug)
        let at = now()
        try await client.transaction(logger: logger) { connection in
            let bound =
                try await (try await connection.query("SELECT count(*) FROM role_bindings WHERE role_id = \(role.id)", logger: logger))
                .decode(Int.self).collect().first ?? 0
            if bound > 0 && !force {
                throw ControlPlaneError.conflict("role '\(slug)' has \(bound) binding(s); remove them or delete with ?force=true")
            }
            try await connection.query("DELETE FROM roles WHERE id = \(role.id)", logger: logger)
            try await AuditLog.append(
                connection,
                org: access.org.id,
                actor: access.caller.actor.id,
                action: "role.deleted",
                target: "role:\(slug)",
                details: ["bindings_removed": "\(bound)"],
                at: at,
                logger: logger
            )
        }
    }

    static func noRole(_ slug: String) -> ControlPlaneError { .notFound("no role '\(slug.prefix(80))'") }

    private func mutableRole(_ access: OrgAccess, slug: String) async throws -> Role {
        guard let role = try await roles(org: access.org.id, slug: slug).first else { throw Self.noRole(slug) }
        guard !role.builtin else {
            throw ControlPlaneError.conflict("'\(slug)' is a built-in role and cannot be changed; create a custom role")
        }
        return role
    }

    func roles(org: UUID, slug: String?) async throws -> [Role] {
        let rows = try await client.query(
            """
            SELECT r.id, r.slug, r.name, r.description, r.builtin,
                   coalesce(array_agg(s.scope ORDER BY s.scope) FILTER (WHERE s.scope IS NOT NULL), '{}')
            FROM roles r LEFT JOIN role_scopes s ON s.role_id = r.id
            WHERE r.org_id = \(org) AND (\(slug == nil) OR r.slug = \(slug))
            GROUP BY r.id ORDER BY r.builtin DESC, r.slug
            """,
            logger: logger
        )
        return try await rows.decode((UUID, String, String, String, Bool, [String]).self).collect().map {
            Role(slug: $0.1, name: $0.2, description: $0.3, builtin: $0.4, scopes: $0.5, id: $0.0)
        }
    }
}
