public import AgentOSAuth
import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// The result of registering an OS or enabling its authorization.
    public struct Registration: Sendable {
        public var os: OSInstance
        /// The active key, when authorization is on.
        public var signingKey: SigningKeyInfo?
        /// `true` when this call created the key (false: it already existed).
        public var created: Bool
    }

    /// Registers an OS; with authorization on (the default) generates and activates its key pair.
    public func registerOS(
        org slug: String,
        id: String,
        name: String,
        url: String?,
        authorization: Bool,
        algorithm: SigningAlgorithm,
        actor: Actor
    ) async throws -> Registration {
        try Validation.osID(id)
        try Validation.name(name)
        try Validation.url(url)
        let org = try await organization(slug)
        let internalID = UUID()
        let at = now()
        let material = authorization ? try KeyMaterial.generate(algorithm) : nil
        do {
            return try await client.transaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO os_instances (id, org_id, os_id, name, url, authorization_enabled, created_at, updated_at)
                    VALUES (\(internalID), \(org.id), \(id), \(name), \(url), \(authorization), \(at), \(at))
                    """,
                    logger: logger
                )
                try await AuditLog.append(
                    connection,
                    org: org.id,
                    actor: actor.id,
                    action: "os.registered",
                    target: "os:\(id)",
                    details: ["name": name, "authorization": "\(authorization)"],
                    at: at,
                    logger: logger
                )
                let os = OSInstance(
                    id: id,
                    name: name,
                    url: url,
                    authorizationEnabled: authorization,
                    createdAt: at,
                    updatedAt: at,
                    internalID: internalID,
                    orgID: org.id
                )
                var key: SigningKeyInfo?
                if let material {
                    key = try await insertKey(material, os: os, state: .active, at: at, connection: connection, actor: actor)
                }
                return Registration(os: os, signingKey: key, created: true)
            }
        } catch let error as PSQLError where error.sqlState == "23505" {
            throw ControlPlaneError.conflict("OS '\(id)' is already registered in '\(slug)'")
        }
    }

    /// Turns authorization on and generates the first key; a second call returns the active key.
    public func enableAuthorization(org slug: String, os id: String, algorithm: SigningAlgorithm, actor: Actor) async throws -> Registration
    {
        var os = try await osInstance(org: slug, id: id)
        if os.authorizationEnabled, let active = try await keys(of: os).first(where: { $0.state == .active }) {
            return Registration(os: os, signingKey: active, created: false)
        }
        let material = try KeyMaterial.generate(algorithm)
        let at = now()
        let key = try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "UPDATE os_instances SET authorization_enabled = true, updated_at = \(at) WHERE id = \(os.internalID)",
                logger: logger
            )
            try await AuditLog.append(
                connection,
                org: os.orgID,
                actor: actor.id,
                action: "os.authorization_enabled",
                target: "os:\(id)",
                details: ["algorithm": algorithm.name],
                at: at,
                logger: logger
            )
            return try await insertKey(material, os: os, state: .active, at: at, connection: connection, actor: actor)
        }
        os.authorizationEnabled = true
        os.updatedAt = at
        return Registration(os: os, signingKey: key, created: true)
    }

    public func listOS(_ org: Organization) async throws -> [OSInstance] {
        try await selectOS("WHERE o.org_id = $1 ORDER BY o.os_id", [org.id])
    }

    /// One round trip (org and OS joined); only a miss looks the organisation up, to say which is unknown.
    public func osInstance(org slug: String, id: String) async throws -> OSInstance {
        try Validation.slug(slug)
        try Validation.osID(id)
        if let os = try await selectOS("WHERE g.slug = $1 AND o.os_id = $2", [slug, id]).first { return os }
        _ = try await organization(slug)
        throw ControlPlaneError.notFound("no OS '\(id)' in '\(slug)'")
    }

    /// Updates name and/or url (`os.updated` audited).
    public func updateOS(org slug: String, id: String, name: String?, url: String??, actor: Actor) async throws -> OSInstance {
        if let name { try Validation.name(name) }
        if let url { try Validation.url(url) }
        var os = try await osInstance(org: slug, id: id)
        if let name { os.name = name }
        if let url { os.url = url }
        os.updatedAt = now()
        let updated = os
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "UPDATE os_instances SET name = \(updated.name), url = \(updated.url), updated_at = \(updated.updatedAt) WHERE id = \(updated.internalID)",
                logger: logger
            )
            try await AuditLog.append(
                connection,
                org: updated.orgID,
                actor: actor.id,
                action: "os.updated",
                target: "os:\(id)",
                details: ["name": updated.name, "url": updated.url ?? ""],
                at: updated.updatedAt,
                logger: logger
            )
        }
        return updated
    }

    /// Deletes an OS and, with it, its keys' ciphertext (`os.deleted` audited).
    public func deleteOS(org slug: String, id: String, actor: Actor) async throws {
        let os = try await osInstance(org: slug, id: id)
        let at = now()
        try await client.transaction(logger: logger) { connection in
            try await connection.query("DELETE FROM os_instances WHERE id = \(os.internalID)", logger: logger)
            try await AuditLog.append(
                connection,
                org: os.orgID,
                actor: actor.id,
                action: "os.deleted",
                target: "os:\(id)",
                at: at,
                logger: logger
            )
        }
        await signers.remove(os: os.internalID)
    }

    private func selectOS(_ whereClause: String, _ binds: [any PostgresDynamicTypeEncodable]) async throws -> [OSInstance] {
        var bindings = PostgresBindings()
        for bind in binds { bindings.append(bind) }
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT o.id, o.org_id, o.os_id, o.name, o.url, o.authorization_enabled, o.created_at, o.updated_at
                FROM os_instances o JOIN organizations g ON g.id = o.org_id \(whereClause)
                """,
            binds: bindings
        )
        let rows = try await client.query(query, logger: logger)
        var result: [OSInstance] = []
        for try await (internalID, orgID, id, name, url, enabled, created, updated) in rows.decode(
            (UUID, UUID, String, String, String?, Bool, Date, Date).self
        ) {
            result.append(
                OSInstance(
                    id: id,
                    name: name,
                    url: url,
                    authorizationEnabled: enabled,
                    createdAt: created,
                    updatedAt: updated,
                    internalID: internalID,
                    orgID: orgID
                )
            )
        }
        return result
    }
}
