import Foundation
import PostgresNIO

/// SQL of `audit_inbox` (events committed with their change, not chained yet) and
/// `audit_inbox_spent` (the nonces of the rows chained).
extension AuditStore {
    /// A row of the inbox as stored: read as text, so a row the service never wrote (a database
    /// writer's) cannot make the read itself fail, only the check after it.
    struct InboxRow: Sendable {
        var id: Int64
        var nonce: UUID
        /// Seconds since 1970; `nil` for a time outside 1970-9999 (or infinite).
        var seconds: Double?
        var actor: String
        var action: String
        var target: String
        var details: String
        var mac: String
        var macKey: String
    }

    /// Adds an event of `org` to the inbox inside the caller's transaction (no lock).
    func enqueue(_ event: PendingAuditEvent, nonce: UUID, mac: String, macKey: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO audit_inbox (nonce, org_id, at, actor, action, target, details, mac, mac_key)
            VALUES (\(nonce), \(event.org), \(event.at), \(event.actor.id), \(event.event.action.rawValue), \(event.event.target),
                    \(JSONObject(event.event.details)), \(mac), \(macKey))
            """,
            logger: logger
        )
    }

    /// The organisations (and the system chain) with events waiting.
    func inboxChains(on connection: PostgresConnection) async throws -> [UUID] {
        try await connection.query("SELECT DISTINCT org_id FROM audit_inbox", logger: logger).decode(UUID.self).collect()
    }

    /// Takes `org`'s waiting rows, oldest first, off the inbox; the caller holds the chain lock,
    /// so no one else takes them.
    func takeInbox(org: UUID, on connection: PostgresConnection) async throws -> [InboxRow] {
        let rows = try await connection.query(
            """
            DELETE FROM audit_inbox WHERE org_id = \(org)
            RETURNING id, nonce,
                CASE WHEN isfinite(at) AND at >= 'epoch' AND at < '10000-01-01' THEN extract(epoch FROM at)::float8 END,
                actor, action, target, details::text, mac, mac_key
            """,
            logger: logger
        )
        return try await rows.decode((Int64, UUID, Double?, String, String, String, String, String, String).self).collect()
            .map {
                InboxRow(
                    id: $0.0,
                    nonce: $0.1,
                    seconds: $0.2,
                    actor: $0.3,
                    action: $0.4,
                    target: $0.5,
                    details: $0.6,
                    mac: $0.7,
                    macKey: $0.8
                )
            }
            .sorted { $0.id < $1.id }
    }

    /// Which of `nonces` were chained before (a copied row).
    func spent(_ nonces: [UUID], on connection: PostgresConnection) async throws -> Set<UUID> {
        guard !nonces.isEmpty else { return [] }
        let rows = try await connection.query("SELECT nonce FROM audit_inbox_spent WHERE nonce = ANY(\(nonces))", logger: logger)
        return Set(try await rows.decode(UUID.self).collect())
    }

    /// Marks `nonces` chained.
    func spend(_ nonces: [UUID], on connection: PostgresConnection) async throws {
        guard !nonces.isEmpty else { return }
        try await connection.query("INSERT INTO audit_inbox_spent (nonce) SELECT unnest(\(nonces)::uuid[])", logger: logger)
    }
}
