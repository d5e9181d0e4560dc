import Foundation
import Logging
import PostgresNIO

/// The audit events of delegated tokens, appended in groups (``GroupCommit``).
///
/// An event in its own transaction under its organisation's chain lock would serialise tokens
/// for others at one commit each (≈ 500/s, docs/performance.md). In a group, each
/// organisation's events are chained under one lock and inserted in one statement, in a
/// transaction of their own (organisations in a fixed order), so a failure fails only that
/// organisation's callers. ``GroupCommit/append(_:org:by:at:)`` returns once its event is
/// committed: no token leaves unaudited.
typealias AuditAppender = GroupCommit<PendingAuditEvent>

/// An event waiting in the ``AuditAppender`` for its organisation's chain.
struct PendingAuditEvent: Sendable {
    var event: AuditEvent
    var org: UUID
    var actor: AuditActor
    var at: Date
}

extension GroupCommit where Item == PendingAuditEvent {
    /// Appends through `trail`, on connections of `client`.
    convenience init(client: PostgresClient, trail: AuditTrail, logger: Logger, maxBatch: Int = 256) {
        self.init(maxBatch: maxBatch, partition: { $0.org.uuidString }) { pending in
            guard let org = pending.first?.org else { return }
            try await client.transaction(logger: logger) { connection in
                _ = try await trail.append(pending.map { ($0.event, $0.actor, $0.at) }, org: org, on: connection)
            }
        }
    }

    /// Appends `event` to `org`'s chain; returns when it is committed.
    func append(_ event: AuditEvent, org: UUID, by actor: AuditActor, at date: Date) async throws {
        try await commit(PendingAuditEvent(event: event, org: org, actor: actor, at: date))
    }
}
