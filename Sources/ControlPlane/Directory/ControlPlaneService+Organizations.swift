import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// Creates an organisation (`org.created` audited).
    public func createOrganization(slug: String, name: String, actor: Actor) async throws -> Organization {
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
                    connection, org: id, actor: actor.id, action: "org.created", target: "org:\(slug)", details: ["name": name], at: at,
                    logger: logger
                )
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

    public func organization(_ slug: String) async throws -> Organization {
        try Validation.slug(slug)
        let rows = try await client.query("SELECT id, slug, name, created_at FROM organizations WHERE slug = \(slug)", logger: logger)
        for try await (id, slug, name, created) in rows.decode((UUID, String, String, Date).self) {
            return Organization(id: id, slug: slug, name: name, createdAt: created)
        }
        throw ControlPlaneError.notFound("no organisation '\(slug)'")
    }
}
