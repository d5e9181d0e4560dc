import Foundation
import Logging
import PostgresNIO

/// Appends the audit events of delegated tokens in groups (group commit), as ``TokenRecorder``
/// writes status records.
///
/// Each event used to take its own transaction under its organisation's chain lock, so tokens
/// for others were serialised at one commit each (≈ 500/s, docs/performance.md). Now, while one
/// group is being committed, every event that arrives joins the next (at most ``maxBatch``), and
/// each organisation's events in a group are chained under one lock and inserted in one
/// statement. `append` returns once its event is committed: no token leaves unaudited.
actor AuditAppender {
    private struct Entry {
        var event: AuditEvent
        var org: UUID
        var actor: AuditActor
        var at: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    let client: PostgresClient
    let trail: AuditTrail
    let logger: Logger
    let maxBatch: Int
    private var pending: [Entry] = []
    private var draining = false

    init(client: PostgresClient, trail: AuditTrail, logger: Logger, maxBatch: Int = 256) {
        self.client = client
        self.trail = trail
        self.logger = logger
        self.maxBatch = maxBatch
    }

    /// Appends `event` to `org`'s chain; returns when it is committed.
    func append(_ event: AuditEvent, org: UUID, by actor: AuditActor, at: Date) async throws {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Entry(event: event, org: org, actor: actor, at: at, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            // One transaction per organisation (in a fixed order): a failure fails only its own.
            let orgs = Dictionary(grouping: batch, by: \.org).sorted { $0.key.uuidString < $1.key.uuidString }
            for (org, entries) in orgs {
                do {
                    let events = entries.map { ($0.event, $0.actor, $0.at) }
                    try await client.transaction(logger: logger) { connection in
                        _ = try await trail.append(events, org: org, on: connection)
                    }
                    for entry in entries { entry.continuation.resume() }
                } catch {
                    for entry in entries { entry.continuation.resume(throwing: error) }
                }
            }
        }
        draining = false
    }
}
