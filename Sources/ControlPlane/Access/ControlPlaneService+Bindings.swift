public import Foundation
import PostgresNIO

/// A role bound to a subject, on every OS of the organisation (`os == nil`) or on one.
public struct RoleBinding: Sendable, Equatable {
    public var id: UUID
    public var subject: Subject
    public var role: String
    public var os: String?
    public var createdAt: Date
}

/// One scope granted to a subject on one OS.
public struct ScopeGrant: Sendable, Equatable {
    public var id: UUID
    public var subject: Subject
    public var os: String
    public var scope: String
    public var createdAt: Date
}

extension ControlPlaneService {
    /// Binds a role (`binding.created` audited); 409 for a duplicate.
    public func createBinding(_ access: OrgAccess, subject reference: SubjectReference, role slug: String, os osID: String?) async throws
        -> RoleBinding
    {
        try access.require(.manageAccess)
        let subject = try await resolveSubject(reference, org: access.org.id)
        guard let role = try await roles(org: access.org.id, slug: slug).first else { throw Self.noRole(slug) }
        let os: OSInstance? = if let osID { try await osInstance(org: access.org.slug, id: osID) } else { nil }
        let binding = RoleBinding(id: UUID(), subject: subject, role: slug, os: osID, createdAt: now())
        do {
            try await client.transaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO role_bindings (id, org_id, role_id, \(unescaped: subject.column), os_instance, created_at)
                    VALUES (\(binding.id), \(access.org.id), \(role.id), \(subject.id), \(os?.internalID), \(binding.createdAt))
                    """,
                    logger: logger
                )
                try await AuditLog.append(
                    connection,
                    org: access.org.id,
                    actor: access.caller.actor.id,
                    action: "binding.created",
                    target: "binding:\(binding.id.lowercased)",
                    details: ["subject": subject.tokenSubject, "role": slug, "os": osID ?? "*"],
                    at: binding.createdAt,
                    logger: logger
                )
            }
        } catch let error as PSQLError where error.sqlState == "23505" {
            throw ControlPlaneError.conflict("'\(subject.label)' already has role '\(slug)' on \(osID.map { "OS '\($0)'" } ?? "every OS")")
        }
        return binding
    }

    public func listBindings(_ access: OrgAccess) async throws -> [RoleBinding] {
        try access.require(.readAccess)
        let rows = try await client.query(
            """
            SELECT b.id, b.user_id, b.service_account_id, coalesce(u.email, sa.name), r.slug, o.os_id, b.created_at
            FROM role_bindings b JOIN roles r ON r.id = b.role_id
            LEFT JOIN users u ON u.id = b.user_id LEFT JOIN service_accounts sa ON sa.id = b.service_account_id
            LEFT JOIN os_instances o ON o.id = b.os_instance
            WHERE b.org_id = \(access.org.id) ORDER BY b.created_at, b.id
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

    public func deleteBinding(_ access: OrgAccess, id: UUID) async throws {
        try access.require(.manageAccess)
        try await deleteAccessRow(table: "role_bindings", id: id, access: access, action: "binding.deleted", target: "binding")
    }

    /// Grants one linted scope on one OS (`grant.created` audited); 409 for a duplicate.
    public func createGrant(_ access: OrgAccess, os osID: String, subject reference: SubjectReference, scope: String) async throws
        -> ScopeGrant
    {
        try access.require(.manageAccess)
        _ = try Validation.scopes([scope])
        let os = try await osInstance(org: access.org.slug, id: osID)
        let subject = try await resolveSubject(reference, org: access.org.id)
        let grant = ScopeGrant(id: UUID(), subject: subject, os: osID, scope: scope, createdAt: now())
        do {
            try await client.transaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO scope_grants (id, org_id, os_instance, \(unescaped: subject.column), scope, created_at)
                    VALUES (\(grant.id), \(access.org.id), \(os.internalID), \(subject.id), \(scope), \(grant.createdAt))
                    """,
                    logger: logger
                )
                try await AuditLog.append(
                    connection,
                    org: access.org.id,
                    actor: access.caller.actor.id,
                    action: "grant.created",
                    target: "grant:\(grant.id.lowercased)",
                    details: ["subject": subject.tokenSubject, "scope": scope, "os": osID],
                    at: grant.createdAt,
                    logger: logger
                )
            }
        } catch let error as PSQLError where error.sqlState == "23505" {
            throw ControlPlaneError.conflict("'\(subject.label)' already has '\(scope)' on OS '\(osID)'")
        }
        return grant
    }

    public func listGrants(_ access: OrgAccess, os osID: String) async throws -> [ScopeGrant] {
        try access.require(.readAccess)
        let os = try await osInstance(org: access.org.slug, id: osID)
        let rows = try await client.query(
            """
            SELECT g.id, g.user_id, g.service_account_id, coalesce(u.email, sa.name), g.scope, g.created_at
            FROM scope_grants g LEFT JOIN users u ON u.id = g.user_id LEFT JOIN service_accounts sa ON sa.id = g.service_account_id
            WHERE g.os_instance = \(os.internalID) ORDER BY g.created_at, g.id
            """,
            logger: logger
        )
        return try await rows.decode((UUID, UUID?, UUID?, String, String, Date).self).collect().map {
            ScopeGrant(
                id: $0.0,
                subject: Self.subject(user: $0.1, serviceAccount: $0.2, label: $0.3),
                os: osID,
                scope: $0.4,
                createdAt: $0.5
            )
        }
    }

    public func deleteGrant(_ access: OrgAccess, os osID: String, id: UUID) async throws {
        try access.require(.manageAccess)
        let os = try await osInstance(org: access.org.slug, id: osID)
        // A grant id from another OS of the organisation is "not found" on this one.
        try await deleteAccessRow(
            table: "scope_grants",
            id: id,
            access: access,
            action: "grant.deleted",
            target: "grant",
            os: os.internalID
        )
    }

    /// Deletes one binding or grant of the organisation (and, for grants, of `os`) and audits it.
    private func deleteAccessRow(table: String, id: UUID, access: OrgAccess, action: String, target: String, os: UUID? = nil) async throws {
        let at = now()
        try await client.transaction(logger: logger) { connection in
            // `os` nil: any row of the organisation (bindings); set: only a row of that OS (grants).
            let query: PostgresQuery = """
                DELETE FROM \(unescaped: table)
                WHERE id = \(id) AND org_id = \(access.org.id) AND (\(os)::uuid IS NULL OR os_instance = \(os))
                RETURNING id
                """
            let deleted = try await (try await connection.query(query, logger: logger)).decode(UUID.self).collect()
            guard !deleted.isEmpty else { throw ControlPlaneError.notFound("no \(target) \(id.lowercased)") }
            try await AuditLog.append(
                connection,
                org: access.org.id,
                actor: access.caller.actor.id,
                action: action,
                target: "\(target):\(id.lowercased)",
                at: at,
                logger: logger
            )
        }
    }

    static func subject(user: UUID?, serviceAccount: UUID?, label: String) -> Subject {
        if let user { return Subject(kind: .user, id: user, label: label) }
        return Subject(kind: .serviceAccount, id: serviceAccount!, label: label)
    }
}
