import Crypto
public import Foundation
public import Logging
public import PostgresNIO

/// One entry of an organisation's audit chain.
public struct AuditEvent: Sendable, Codable, Equatable {
    public var seq: Int64
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String
    public var details: [String: String]
    public var prevHash: String
    public var hash: String
}

/// The append-only, hash-chained audit trail: one chain per organisation; `hash` = SHA-256 of
/// `prev_hash` + the event's canonical JSON. Appends happen in the caller's transaction and
/// serialise on a per-organisation advisory lock.
public enum AuditLog {
    static let genesis = String(repeating: "0", count: 64)

    static func append(
        _ connection: PostgresConnection,
        org: UUID,
        actor: String,
        action: String,
        target: String,
        details: [String: String] = [:],
        at date: Date,
        logger: Logger
    ) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(org.uuidString), 7))", logger: logger)
        let head = try await connection.query(
            "SELECT seq, hash FROM audit_events WHERE org_id = \(org) ORDER BY seq DESC LIMIT 1",
            logger: logger
        )
        var seq: Int64 = 1
        var prev = genesis
        for try await (lastSeq, lastHash) in head.decode((Int64, String).self) {
            seq = lastSeq + 1
            prev = lastHash
        }
        let at = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        let hash = digest(prev: prev, seq: seq, at: at, actor: actor, action: action, target: target, details: details)
        let detailsJSON = String(decoding: try JSONSerialization.data(withJSONObject: details, options: [.sortedKeys]), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO audit_events (org_id, seq, at, actor, action, target, details, prev_hash, hash)
            VALUES (\(org), \(seq), \(at), \(actor), \(action), \(target), \(detailsJSON)::jsonb, \(prev), \(hash))
            """,
            logger: logger
        )
    }

    static func digest(prev: String, seq: Int64, at: Date, actor: String, action: String, target: String, details: [String: String])
        -> String
    {
        let canonical: [String: Any] = [
            "seq": seq, "at": Int64(at.timeIntervalSince1970), "actor": actor, "action": action, "target": target,
            "details": details,
        ]
        let json = (try? JSONSerialization.data(withJSONObject: canonical, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return SHA256.hash(data: Data(prev.utf8) + json).map { String(format: "%02x", $0) }.joined()
    }

    /// Events newest first; `before` pages by `seq`.
    public static func list(_ client: PostgresClient, org: UUID, limit: Int, before: Int64?, logger: Logger) async throws -> [AuditEvent] {
        let rows = try await client.query(
            """
            SELECT seq, at, actor, action, target, details::text, prev_hash, hash FROM audit_events
            WHERE org_id = \(org) AND seq < \(before ?? Int64.max) ORDER BY seq DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var events: [AuditEvent] = []
        for try await (seq, at, actor, action, target, details, prev, hash) in rows.decode(
            (Int64, Date, String, String, String, String, String, String).self
        ) {
            let parsed = (try? JSONSerialization.jsonObject(with: Data(details.utf8)) as? [String: String]) ?? [:]
            events.append(
                AuditEvent(seq: seq, at: at, actor: actor, action: action, target: target, details: parsed, prevHash: prev, hash: hash)
            )
        }
        return events
    }

    /// What a chain check found.
    public struct ChainReport: Sendable {
        /// How many events the organisation's chain holds.
        public var events: Int
        /// The first event whose hash, link or sequence number does not match; `nil` when intact.
        public var firstBroken: AuditEvent?
    }

    /// Recomputes the whole chain of `org`, oldest first.
    public static func verifyChain(_ client: PostgresClient, org: UUID, logger: Logger) async throws -> ChainReport {
        let events = try await list(client, org: org, limit: Int(Int32.max), before: nil, logger: logger).reversed()
        var prev = genesis
        var expectedSeq: Int64 = 1
        for event in events {
            let recomputed = digest(
                prev: prev,
                seq: event.seq,
                at: event.at,
                actor: event.actor,
                action: event.action,
                target: event.target,
                details: event.details
            )
            if event.seq != expectedSeq || event.prevHash != prev || event.hash != recomputed {
                return ChainReport(events: events.count, firstBroken: event)
            }
            prev = event.hash
            expectedSeq += 1
        }
        return ChainReport(events: events.count, firstBroken: nil)
    }
}
