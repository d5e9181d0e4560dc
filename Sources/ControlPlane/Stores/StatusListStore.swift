import Foundation
import Logging
import PostgresNIO

/// SQL of the Token Status Lists (`status_list_counters`, `status_list_blocks`, `token_status`,
/// `subject_revocations`). The locking scheme is in `docs/decisions.md` ("Revocation").
struct StatusListStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// One issued token as recorded (the index it holds, its `sub`, its `exp`), with the
    /// subject's revocation generation as the issuance query read it.
    struct Record: Sendable {
        var os: UUID
        var index: Int32
        var jti: String
        var subject: String
        var expiresAt: Int64
        var generation: Int64
    }

    /// Leases a block of `size` indices of `os`: a block whose tokens have all expired by `at`,
    /// else a new one past the high-water mark. The block may be leased again after `until`.
    func leaseBlock(os: UUID, size: Int32, at: Date, until: Date) async throws -> Int32 {
        try await client.transaction(logger: logger) { connection in
            let reusable = try await connection.query(
                """
                SELECT start_index FROM status_list_blocks
                WHERE os_instance = \(os) AND reusable_after < \(at)
                ORDER BY start_index LIMIT 1 FOR UPDATE SKIP LOCKED
                """,
                logger: logger
            )
            if let start = try await reusable.decode(Int32.self).collect().first {
                try await connection.query(
                    "UPDATE status_list_blocks SET reusable_after = \(until) WHERE os_instance = \(os) AND start_index = \(start)",
                    logger: logger
                )
                // Every token recorded there has expired: its bit no longer matters.
                let end = start + size
                try await connection.query(
                    "DELETE FROM token_status WHERE os_instance = \(os) AND idx >= \(start) AND idx < \(end)",
                    logger: logger
                )
                return start
            }
            try await connection.query(
                "INSERT INTO status_list_counters (os_instance) VALUES (\(os)) ON CONFLICT DO NOTHING",
                logger: logger
            )
            let rows = try await connection.query(
                "UPDATE status_list_counters SET next_index = next_index + \(size) WHERE os_instance = \(os) RETURNING next_index - \(size)",
                logger: logger
            )
            guard let start = try await rows.decode(Int32.self).collect().first else {
                throw ControlPlaneError.conflict("the OS was deleted while its status list grew")
            }
            try await connection.query(
                "INSERT INTO status_list_blocks (os_instance, start_index, reusable_after) VALUES (\(os), \(start), \(until))",
                logger: logger
            )
            return start
        }
    }

    /// Writes a batch of records inside the caller's transaction (``IssuanceLedger``). The share
    /// locks on the OSes' counter rows order the batch against revocations by subject (which lock
    /// them for update): a record whose subject's generation changed since issuance read it is
    /// written revoked.
    func write(_ records: [Record], at: Date, on connection: PostgresConnection) async throws {
        guard !records.isEmpty else { return }
        let osIDs = Array(Set(records.map(\.os))).sorted { $0.uuidString < $1.uuidString }
        try await connection.query(
            "SELECT os_instance FROM status_list_counters WHERE os_instance = ANY(\(osIDs)) ORDER BY os_instance FOR SHARE",
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO token_status (os_instance, idx, jti, subject, expires_at, revoked_at)
            SELECT u.os, u.idx, u.jti, u.sub, to_timestamp(u.exp), CASE WHEN coalesce(w.generation, 0) <> u.gen THEN \(at) END
            FROM unnest(\(records.map(\.os))::uuid[], \(records.map(\.index))::int4[], \(records.map(\.jti))::text[],
                        \(records.map(\.subject))::text[], \(records.map(\.expiresAt))::int8[], \(records.map(\.generation))::int8[])
              AS u(os, idx, jti, sub, exp, gen)
            LEFT JOIN subject_revocations w ON w.os_instance = u.os AND w.subject = u.sub
            """,
            logger: logger
        )
    }

    /// Revokes every outstanding token of `subject` (a token `sub`) on `osInstances`, inside the
    /// caller's transaction, and bumps the subject's generation there so tokens being issued right
    /// now (scopes read before this commit, record not yet written) are written revoked.
    func revokeSubject(_ subject: String, on osInstances: [UUID], at: Date, on connection: PostgresConnection) async throws -> Int {
        guard !osInstances.isEmpty else { return 0 }
        let sorted = osInstances.sorted { $0.uuidString < $1.uuidString }
        try await connection.query(
            "INSERT INTO status_list_counters (os_instance) SELECT unnest(\(sorted)::uuid[]) ON CONFLICT DO NOTHING",
            logger: logger
        )
        try await connection.query(
            "SELECT os_instance FROM status_list_counters WHERE os_instance = ANY(\(sorted)) ORDER BY os_instance FOR UPDATE",
            logger: logger
        )
        try await connection.query(
            """
            INSERT INTO subject_revocations (os_instance, subject, generation) SELECT unnest(\(sorted)::uuid[]), \(subject), 1
            ON CONFLICT (os_instance, subject) DO UPDATE SET generation = subject_revocations.generation + 1
            """,
            logger: logger
        )
        let rows = try await connection.query(
            """
            UPDATE token_status SET revoked_at = \(at)
            WHERE os_instance = ANY(\(sorted)) AND subject = \(subject) AND revoked_at IS NULL AND expires_at > \(at)
            RETURNING idx
            """,
            logger: logger
        )
        return try await rows.decode(Int32.self).collect().count
    }

    /// Revokes the token `jti` of `os` if it is outstanding; how many were revoked (0 or 1).
    func revoke(jti: String, os: UUID, at: Date, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            """
            UPDATE token_status SET revoked_at = \(at)
            WHERE os_instance = \(os) AND jti = \(jti) AND revoked_at IS NULL AND expires_at > \(at)
            RETURNING idx
            """,
            logger: logger
        )
        return try await rows.decode(Int32.self).collect().count
    }

    /// Every OS of an organisation (the scope of org-wide revocations).
    func osInstances(org: UUID, on connection: PostgresConnection) async throws -> [UUID] {
        let rows = try await connection.query("SELECT id FROM os_instances WHERE org_id = \(org)", logger: logger)
        return try await rows.decode(UUID.self).collect()
    }

    /// The list's length (its high-water mark) and the indices of revoked tokens not yet expired at `at`.
    func snapshot(os: UUID, at: Date) async throws -> (size: Int, revoked: [Int]) {
        let size =
            try await client.query(
                "SELECT next_index FROM status_list_counters WHERE os_instance = \(os)",
                logger: logger
            ).decode(Int32.self).collect().first ?? 0
        let revoked = try await client.query(
            "SELECT idx FROM token_status WHERE os_instance = \(os) AND revoked_at IS NOT NULL AND expires_at > \(at)",
            logger: logger
        ).decode(Int32.self).collect()
        return (Int(size), revoked.map(Int.init))
    }
}
