import Foundation
import Logging
import PostgresNIO

/// Read-only queries behind the operational gauges of `/metrics`.
struct StatsStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Every OS with authorization on, when its active key was activated (`nil`: none active)
    /// and its rotation period (`nil`: none).
    func activeKeys() async throws -> [(org: String, os: String, activatedAt: Date?, rotationPeriod: Int?)] {
        let rows = try await client.query(
            """
            SELECT g.slug, o.os_id,
              (SELECT k.activated_at FROM signing_keys k WHERE k.os_instance = o.id AND k.state = 'active'),
              o.rotation_period
            FROM os_instances o JOIN organizations g ON g.id = o.org_id
            WHERE o.authorization_enabled ORDER BY g.slug, o.os_id
            """,
            logger: logger
        )
        return try await rows.decode((String, String, Date?, Int?).self).collect().map { ($0.0, $0.1, $0.2, $0.3) }
    }

    /// This database's server connections by state (`active`, `idle`, `idle in transaction`…).
    func connections() async throws -> [(state: String, count: Int)] {
        let rows = try await client.query(
            """
            SELECT coalesce(state, 'unknown'), count(*)::int FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend' GROUP BY 1 ORDER BY 1
            """,
            logger: logger
        )
        return try await rows.decode((String, Int).self).collect().map { ($0.0, $0.1) }
    }

    /// How many migrations are applied.
    func appliedMigrations() async throws -> Int {
        try await (try await client.query("SELECT count(*)::int FROM schema_migrations", logger: logger)).decode(Int.self).collect().first
            ?? 0
    }
}
