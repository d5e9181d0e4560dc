import Foundation
import Logging
import PostgresNIO

/// SQL of the key-rotation scheduler: its replica-wide lock, the OSes due for a step, and the
/// retiring keys past `retire_at`.
struct RotationStore: Sendable {
    let logger: Logger

    /// Takes the scheduler's lock for the rest of the transaction, if no other replica holds it.
    /// Transaction-level on purpose: it ends with COMMIT or ROLLBACK (or the connection), so a
    /// pooled connection never carries it into someone else's work, and a replica that dies
    /// mid-pass releases it with its connection.
    func tryLock(on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT pg_try_advisory_xact_lock(hashtextextended('key-rotation', 7))",
            logger: logger
        )
        return try await rows.decode(Bool.self).collect().first ?? false
    }

    /// OSes on a schedule whose active key is due for its next key by `now` (staging starts
    /// `lead` seconds before the period ends), longest overdue first.
    func due(now: Date, lead: TimeInterval, limit: Int, on connection: PostgresConnection) async throws -> [OSInstance] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: OSStore.columns)
            FROM \(unescaped: OSStore.from) JOIN signing_keys a ON a.os_instance = o.id AND a.state = 'active'
            WHERE o.rotation_period IS NOT NULL AND o.authorization_enabled
              AND a.activated_at + make_interval(secs => o.rotation_period) <= \(now) + make_interval(secs => \(lead))
            ORDER BY a.activated_at + make_interval(secs => o.rotation_period), o.id
            LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(OSStore.Row.self).collect().map(OSStore.os)
    }

    /// Marks retiring keys past `retire_at` as `retired` (they have already left the JWKS, which
    /// reads the time); returns (organisation, OS id, kid) of each, for the audit trail.
    func retireDue(now: Date, limit: Int, on connection: PostgresConnection) async throws -> [(org: UUID, os: String, kid: String)] {
        let rows = try await connection.query(
            """
            UPDATE signing_keys k SET state = 'retired' FROM os_instances o
            WHERE o.id = k.os_instance AND (k.os_instance, k.kid) IN (
              SELECT os_instance, kid FROM signing_keys WHERE state = 'retiring' AND retire_at <= \(now)
              ORDER BY retire_at, kid LIMIT \(limit) FOR UPDATE
            )
            RETURNING o.org_id, o.os_id, k.kid
            """,
            logger: logger
        )
        return try await rows.decode((UUID, String, String).self).collect().map { ($0.0, $0.1, $0.2) }
    }
}
