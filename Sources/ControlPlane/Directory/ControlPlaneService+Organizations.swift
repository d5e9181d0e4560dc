public import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// Creates an organisation with the built-in OS roles (`org.created` audited); a user who
    /// creates one becomes its owner.
    public func createOrganization(slug: String, name: String, actor: Actor, owner: UUID? = nil) async throws -> Organization {
        try Validation.slug(slug)
        try Validation.name(name)
        let id = UUID()
        let at = now()
        do {
            return try await client.transaction(logger: logger) { connection in
                try await connection.query(
                    "INSERT INTO organizations (id, slug, name, created_at) VALUES (\(id), \(slug), \(name), \(at))",
                    logger: logger
                )
                try await AuditLog.append(
                    connection,
                    org: id,
                    actor: actor.id,
                    action: "org.created",
                    target: "org:\(slug)",
                    details: ["name": name],
                    at: at,
                    logger: logger
                )
                try await BuiltinRoles.install(org: id, at: at, connection: connection, logger: logger)
                if let owner {
                    try await connection.query(
                        "INSERT INTO org_members (org_id, user_id, role, created_at, updated_at) VALUES (\(id), \(owner), 'owner', \(at), \(at))",
                        logger: logger
                    )
                }
                return Organization(id: id, slug: slug, name: name, createdAt: at)
            }
        } catch let error as PSQLError where error.sqlState == "23505" {
            throw ControlPlaneError.conflict("organisation '\(slug)' already exists")
        }
    }

    public func listOrganizations() async throws -> [Organization] {
        let rows = try await client.query("SELECT id, slug, name, created_at FROM organizations ORDER BY slug", logger: logger)
        var result: [Organization] = []
        for try await (id, slug, name, created) in rows.decode((UUID, String, String, Date).self) {
            result.append(Organization(id: id, slug: slug, name: name, createdAt: created))
        }
        return result
    }

    /// Installs missing built-in roles in every organisation (after an upgrade that added them).
    public func installBuiltinRoles() async throws {
        let at = now()
        try await client.transaction(logger: logger) { connection in
            for org in try await (try await connection.query("SELECT id FROM organizations", logger: logger)).decode(UUID.self).collect() {
                try await BuiltinRoles.install(org: org, at: at, connection: connection, logger: logger)
            }
        }
    }

    /// Deletes an organisation and everything in it (`org.deleted` audited; the trail stays).
    public func deleteOrganization(_ access: OrgAccess) async throws {
        try access.require(.deleteOrg)
        try await client.transaction(logger: logger) { connection in
            try await connection.query("DELETE FROM organizations WHERE id = \(access.org.id)", logger: logger)
            try await AuditLog.append(
                connection,
                org: access.org.id,
                actor: access.caller.actor.id,
                action: "org.deleted",
                target: "org:\(access.org.slug)",
                at: now(),
                logger: logger
            )
        }
        // Cached signers of its OSes become unreachable: OS rows are gone and ids are never reused.
    }

    public func organization(_ slug: String) async throws -> Organization {
        try Validation.slug(slug)
        let rows = try await client.query("SELECT id, slug, name, created_at FROM organizations WHERE slug = \(slug)", logger: logger)
        for try await (id, slug, name, created) in rows.decode((UUID, String, String, Date).self) {
            return Organization(id: id, slug: slug, name: name, createdAt: created)
        }
        throw ControlPlaneError.notFound("no organisation '\(slug)'")
    }
}
