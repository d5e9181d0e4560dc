import Foundation
import Logging
import PostgresNIO

/// What an issued token leaves behind, written in groups (``GroupCommit``): its status record
/// (jti, subject, index, exp) and, for a token for someone else, its audit event.
///
/// One durable write per token: a group's records and events commit in one transaction (the
/// counters' share locks, then each organisation's chain lock in a fixed order, the order every
/// revocation takes them in too), so a token's record and its audit event are never committed
/// one without the other. ``GroupCommit/record(_:)`` returns once its entry is committed: a token
/// is never handed out before a revocation on any replica can find it, nor a token for someone
/// else unaudited. ``GroupCommit/flush()`` comes before a revocation lookup or a status-list
/// build, so no record handed in earlier is missed. A failed write fails the whole group's
/// callers (each gets a 503 and may ask again; no token was handed out).
typealias IssuanceLedger = GroupCommit<IssuanceEntry>

/// One issued token's records, waiting in the ``IssuanceLedger``.
struct IssuanceEntry: Sendable {
    /// `nil` when status lists are off.
    var status: StatusListStore.Record?
    /// The `token.issued` event of a token for someone else.
    var audit: PendingAuditEvent?

    var isEmpty: Bool { status == nil && audit == nil }
}

/// An audit event waiting for its organisation's chain.
struct PendingAuditEvent: Sendable {
    var event: AuditEvent
    var org: UUID
    var actor: AuditActor
    var at: Date
}

extension GroupCommit where Item == IssuanceEntry {
    /// Writes records through `store` (stamped with `now()` at each write) and events through
    /// `trail`, on connections of `client`.
    convenience init(
        client: PostgresClient,
        store: StatusListStore,
        trail: AuditTrail,
        logger: Logger,
        maxBatch: Int = 512,
        now: @escaping @Sendable () -> Date
    ) {
        self.init(maxBatch: maxBatch) { entries in
            let records = entries.compactMap(\.status)
            let events = Dictionary(grouping: entries.compactMap(\.audit), by: \.org).sorted { $0.key.uuidString < $1.key.uuidString }
            try await client.transaction(logger: logger) { connection in
                try await store.write(records, at: now(), on: connection)
                for (org, pending) in events {
                    try await trail.chain(pending.map { ($0.event, $0.actor, $0.at) }, org: org, on: connection)
                }
            }
        }
    }

    /// Records an issued token; returns when its entry is committed (at once for an empty one).
    func record(_ entry: IssuanceEntry) async throws {
        guard !entry.isEmpty else { return }
        try await commit(entry)
    }
}
