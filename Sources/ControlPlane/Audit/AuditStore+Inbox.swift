import Foundation
import PostgresNIO

/// SQL of `audit_inbox`: events committed with their mutation and not chained yet.
extension AuditStore {
    /// An event waiting in the inbox.
    struct Waiting: Sendable {
        var id: Int64
        var at: Date
        var actor: String
        var action: String
        var target: String
        var details: [String: String]
    }

    /// Adds events of `org` to the inbox inside the caller's transaction (no lock).
    func enqueue(_ events: [(AuditEvent, AuditActor, Date)], org: UUID, on connection: PostgresConnection) async throws {
        for (event, actor, at) in events {
            try await connection.query(
                """
                INSERT INTO audit_inbox (org_id, at, actor, action, target, details)
                VALUES (\(org), \(at), \(actor.id), \(event.action.rawValue), \(event.target), \(JSONObject(event.details)))
                """,
                logger: logger
            )
        }
    }

    /// The organisations (and the system chain) with events waiting.
    func inboxChains(on connection: PostgresConnection) async throws -> [UUID] {
        try await connection.query("SELECT DISTINCT org_id FROM audit_inbox", logger: logger).decode(UUID.self).collect()
    }

    /// Takes `org`'s waiting events, oldest first, off the inbox; the caller holds the chain lock,
    /// so no one else takes them.
    func takeInbox(org: UUID, on connection: PostgresConnection) async throws -> [Waiting] {
        let rows = try await connection.query(
            "DELETE FROM audit_inbox WHERE org_id = \(org) RETURNING id, at, actor, action, target, details",
            logger: logger
        )
        return try await rows.decode((Int64, Date, String, String, String, JSONObject).self).collect()
            .map { Waiting(id: $0.0, at: $0.1, actor: $0.2, action: $0.3, target: $0.4, details: $0.5.values) }
            .sorted { $0.id < $1.id }
    }
}
