import Foundation
import Logging
import PostgresNIO

/// SQL of the `audit_events` table: one MAC-chained sequence per organisation (and one for
/// events of no organisation, under the all-zero id).
struct AuditStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    typealias Row = (Int64, Date, String, String, String, JSONObject, String, String, String?)

    static let columns = "seq, at, actor, action, target, details, prev_hash, hash, mac_key"

    static func record(_ row: Row) -> AuditRecord {
        AuditRecord(
            seq: row.0,
            at: row.1,
            actor: row.2,
            action: row.3,
            target: row.4,
            details: row.5.values,
            prevHash: row.6,
            hash: row.7,
            macKey: row.8
        )
    }

    /// Takes the organisation's chain lock (held to the end of the transaction) and returns the
    /// last record's sequence number and hash, if any.
    func lockHead(org: UUID, on connection: PostgresConnection) async throws -> (seq: Int64, hash: String)? {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(org.uuidString), 7))", logger: logger)
        let rows = try await connection.query(
            "SELECT seq, hash FROM audit_events WHERE org_id = \(org) ORDER BY seq DESC LIMIT 1",
            logger: logger
        )
        return try await rows.decode((Int64, String).self).collect().first.map { (seq: $0.0, hash: $0.1) }
    }

    func insert(_ record: AuditRecord, org: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO audit_events (org_id, seq, at, actor, action, target, details, prev_hash, hash, mac_key)
            VALUES (\(org), \(record.seq), \(record.at), \(record.actor), \(record.action), \(record.target),
                    \(JSONObject(record.details)), \(record.prevHash), \(record.hash), \(record.macKey))
            """,
            logger: logger
        )
    }

    /// Several records of one chain in one statement (the group commit of ``AuditAppender``).
    func insert(_ records: [AuditRecord], org: UUID, on connection: PostgresConnection) async throws {
        let macKeys = records.compactMap(\.macKey)
        // New events always name their key; one or an unkeyed event goes in on its own.
        guard records.count > 1, macKeys.count == records.count else {
            for record in records { try await insert(record, org: org, on: connection) }
            return
        }
        let details = try records.map { String(decoding: try JSONEncoder().encode($0.details), as: UTF8.self) }
        try await connection.query(
            """
            INSERT INTO audit_events (org_id, seq, at, actor, action, target, details, prev_hash, hash, mac_key)
            SELECT \(org), u.seq, u.at, u.actor, u.action, u.target, u.details::jsonb, u.prev_hash, u.hash, u.mac_key
            FROM unnest(\(records.map(\.seq))::int8[], \(records.map(\.at))::timestamptz[], \(records.map(\.actor))::text[],
                        \(records.map(\.action))::text[], \(records.map(\.target))::text[], \(details)::text[],
                        \(records.map(\.prevHash))::text[], \(records.map(\.hash))::text[], \(macKeys)::text[])
              AS u(seq, at, actor, action, target, details, prev_hash, hash, mac_key)
            """,
            logger: logger
        )
    }

    /// Records newest first; `before` pages by `seq`.
    func list(org: UUID, limit: Int, before: Int64?) async throws -> [AuditRecord] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM audit_events
            WHERE org_id = \(org) AND seq < \(before ?? Int64.max) ORDER BY seq DESC LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().map(Self.record)
    }

    /// The whole chain, oldest first (verification reads it in one pass).
    func chain(org: UUID, on connection: PostgresConnection? = nil) async throws -> [AuditRecord] {
        let query: PostgresQuery = "SELECT \(unescaped: Self.columns) FROM audit_events WHERE org_id = \(org) ORDER BY seq"
        let rows =
            if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        return try await rows.decode(Row.self).collect().map(Self.record)
    }

    /// Organisations with events of the unkeyed chain (before 0007), still to be re-sealed.
    func unsealedChains() async throws -> [UUID] {
        try await client.query("SELECT DISTINCT org_id FROM audit_events WHERE mac_key IS NULL", logger: logger)
            .decode(UUID.self).collect()
    }

    /// Replaces an event's links with their keyed form (re-sealing; the content stays).
    func reseal(org: UUID, seq: Int64, prevHash: String, hash: String, macKey: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE audit_events SET prev_hash = \(prevHash), hash = \(hash), mac_key = \(macKey)
            WHERE org_id = \(org) AND seq = \(seq)
            """,
            logger: logger
        )
    }
}
