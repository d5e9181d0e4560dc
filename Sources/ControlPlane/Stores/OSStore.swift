import Foundation
import Logging
import PostgresNIO

/// SQL of `os_instances` and `os_security_keys`.
struct OSStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    typealias Row = (UUID, UUID, String, String, String?, Bool, Date, Date, Bool, Int?, String, Date?, [String]?)

    /// The columns of `Row`, from ``from``.
    static let columns = """
        o.id, o.org_id, o.os_id, o.name, o.url, o.authorization_enabled, o.created_at, o.updated_at, o.roles_claim, \
        o.rotation_period, o.verifier, f.fetched_at, f.kids
        """
    /// `os_instances` as `o` with its last JWKS fetch as `f`.
    static let from = "os_instances o LEFT JOIN os_jwks_fetches f ON f.os_instance = o.id"

    static func os(_ row: Row) -> OSInstance {
        OSInstance(
            id: row.2,
            name: row.3,
            url: row.4,
            authorizationEnabled: row.5,
            createdAt: row.6,
            updatedAt: row.7,
            rolesClaim: row.8,
            rotationPeriod: row.9,
            // The column's CHECK allows only the enum's values.
            verifier: OSVerifier(rawValue: row.10) ?? .agno,
            jwksFetch: row.11.map { JWKSFetch(at: $0, kids: row.12 ?? []) },
            internalID: row.0,
            orgID: row.1
        )
    }

    /// Inserts `os`; an OS id taken in the organisation is a conflict.
    func insert(_ os: OSInstance, orgSlug: String, on connection: PostgresConnection) async throws {
        do {
            try await connection.query(
                """
                INSERT INTO os_instances (id, org_id, os_id, name, url, authorization_enabled, created_at, updated_at, rotation_period, verifier)
                VALUES (\(os.internalID), \(os.orgID), \(os.id), \(os.name), \(os.url), \(os.authorizationEnabled), \(os.createdAt), \(os.updatedAt),
                        \(os.rotationPeriod), \(os.verifier.rawValue))
                """,
                logger: logger
            )
        } catch let error as PSQLError where error.isUniqueViolation {
            throw ControlPlaneError.conflict("OS '\(os.id)' is already registered in '\(orgSlug)'")
        }
    }

    /// Up to `limit` OSes whose id sorts after `after`, by id.
    func list(org: UUID, after: String?, limit: Int) async throws -> [OSInstance] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from)
            WHERE o.org_id = \(org) AND o.os_id > \(after ?? "") ORDER BY o.os_id LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().map(Self.os)
    }

    func find(org: UUID, id: String) async throws -> OSInstance? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from) WHERE o.org_id = \(org) AND o.os_id = \(id)",
            logger: logger
        )
        return try await rows.decode(Row.self).collect().first.map(Self.os)
    }

    /// By organisation slug, for the public routes (one round trip with the organisation).
    func find(orgSlug: String, id: String) async throws -> OSInstance? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns)
            FROM \(unescaped: Self.from) JOIN organizations g ON g.id = o.org_id WHERE g.slug = \(orgSlug) AND o.os_id = \(id)
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().first.map(Self.os)
    }

    func update(_ os: OSInstance, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE os_instances SET name = \(os.name), url = \(os.url), authorization_enabled = \(os.authorizationEnabled),
              roles_claim = \(os.rolesClaim), rotation_period = \(os.rotationPeriod), verifier = \(os.verifier.rawValue), updated_at = \(os.updatedAt) WHERE id = \(os.internalID)
            """,
            logger: logger
        )
    }

    /// Deletes the OS; its keys and security key cascade.
    func delete(_ os: OSInstance, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM os_instances WHERE id = \(os.internalID)", logger: logger)
    }

    /// Locks the OS row to the end of the transaction (key-state changes and updates of one OS
    /// run one at a time) and returns the row as of the lock: what a change decides on and
    /// writes back, never a copy read before (which a concurrent change may have outdated).
    @discardableResult
    func lock(_ os: OSInstance, on connection: PostgresConnection) async throws -> OSInstance {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM \(unescaped: Self.from) WHERE o.id = \(os.internalID) FOR UPDATE OF o",
            logger: logger
        )
        guard let fresh = try await rows.decode(Row.self).collect().first.map(Self.os) else {
            throw ControlPlaneError.notFound("no OS '\(os.id)'")
        }
        return fresh
    }

    /// Replaces the OS's security key (only its hash is stored).
    func setSecurityKey(_ os: OSInstance, hash: Data, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO os_security_keys (os_instance, key_hash, created_at) VALUES (\(os.internalID), \(hash), \(at))
            ON CONFLICT (os_instance) DO UPDATE SET key_hash = EXCLUDED.key_hash, created_at = EXCLUDED.created_at
            """,
            logger: logger
        )
    }
}

extension OSStore {
    /// Records a verifier's JWKS fetch for `os`: when, and the kids it was served.
    func recordJWKSFetch(os: UUID, kids: [String], at: Date) async throws {
        try await client.query(
            """
            INSERT INTO os_jwks_fetches (os_instance, fetched_at, kids) VALUES (\(os), \(at), \(kids))
            ON CONFLICT (os_instance) DO UPDATE SET fetched_at = EXCLUDED.fetched_at, kids = EXCLUDED.kids
            """,
            logger: logger
        )
    }
}
