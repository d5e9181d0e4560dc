import Crypto
import Foundation
import PostgresNIO

/// The append-only, hash-chained audit trail: one chain per organisation; `hash` = SHA-256 of
/// `prev_hash` + the event's canonical JSON. Every mutation appends its event in its own
/// transaction, so a change and its record commit together (`docs/api.md`, audit actions).
public struct AuditTrail: Sendable {
    let store: AuditStore

    static let genesis = String(repeating: "0", count: 64)

    /// Appends `event` to `org`'s chain inside the caller's transaction.
    func append(_ event: AuditEvent, org: UUID, by actor: AuditActor, at date: Date, on connection: PostgresConnection) async throws {
        let head = try await store.lockHead(org: org, on: connection)
        let at = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
        var record = AuditRecord(
            seq: (head?.seq ?? 0) + 1,
            at: at,
            actor: actor.id,
            action: event.action.rawValue,
            target: event.target,
            details: event.details,
            prevHash: head?.hash ?? Self.genesis,
            hash: ""
        )
        record.hash = Self.digest(record)
        try await store.insert(record, org: org, on: connection)
    }

    /// Events newest first (`readAudit`); `before` pages by `seq`.
    public func list(_ access: OrgAccess, limit: Int, before: Int64?) async throws -> [AuditRecord] {
        try access.require(.readAudit)
        guard (1...500).contains(limit) else { throw ControlPlaneError.invalid("limit must be 1-500") }
        if let before, before < 1 { throw ControlPlaneError.invalid("before must be a positive sequence number") }
        return try await store.list(org: access.org.id, limit: limit, before: before)
    }

    /// What a chain check found.
    public struct ChainReport: Sendable {
        /// How many events the organisation's chain holds.
        public var events: Int
        /// The first event whose hash, link or sequence number does not match; `nil` when intact.
        public var firstBroken: AuditRecord?
    }

    /// Recomputes the whole chain of the organisation, oldest first (`readAudit`).
    public func verify(_ access: OrgAccess) async throws -> ChainReport {
        try access.require(.readAudit)
        let records = try await store.list(org: access.org.id, limit: Int(Int32.max), before: nil).reversed()
        var prev = Self.genesis
        var expectedSeq: Int64 = 1
        for record in records {
            if record.seq != expectedSeq || record.prevHash != prev || record.hash != Self.digest(record) {
                return ChainReport(events: records.count, firstBroken: record)
            }
            prev = record.hash
            expectedSeq += 1
        }
        return ChainReport(events: records.count, firstBroken: nil)
    }

    /// SHA-256 of the previous hash and the record's canonical JSON (sorted keys, whole seconds).
    static func digest(_ record: AuditRecord) -> String {
        let canonical: [String: Any] = [
            "seq": record.seq, "at": Int64(record.at.timeIntervalSince1970), "actor": record.actor, "action": record.action,
            "target": record.target, "details": record.details,
        ]
        let json = (try? JSONSerialization.data(withJSONObject: canonical, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return SHA256.hash(data: Data(record.prevHash.utf8) + json).map { String(format: "%02x", $0) }.joined()
    }
}
