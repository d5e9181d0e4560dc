import ServiceLifecycle

/// Chains, in groups, the audit events that mutations commit to the inbox
/// (``AuditTrail/append(_:org:by:at:on:)``), and lets a request wait until its events are
/// chained.
///
/// Before, every mutation appended to its organisation's chain under the chain's lock, held to
/// its commit: changes in one organisation ran one fsync at a time (226 writes/s with 16 clients,
/// docs/performance.md). Now a mutation commits its event with its change, lock-free, and the
/// answer waits for ``waitForChaining()``: one ``GroupCommit`` write chains everything waiting,
/// many events per transaction.
public struct AuditSequencer: Sendable {
    /// A request's wish to see what it committed chained.
    struct Drain: Sendable {}

    let group: GroupCommit<Drain>

    init(trail: AuditTrail, maxBatch: Int = 1024) {
        // A chaining stranded by a database outage gives way after 3 s, so changes answer again
        // as soon as PostgreSQL is back (docs/operations.md, "Faults").
        group = GroupCommit(maxBatch: maxBatch, writeTimeout: .seconds(3)) { _ in try await trail.chainPending() }
    }

    /// The service that does the chaining (`serve` runs it in its service group).
    var service: any Service { group }

    /// Returns once every event committed to the inbox before this call is chained (by this
    /// replica or another); fails after `timeout` (the events stay in the inbox, durable, for the
    /// next chaining), so a sequencer that cannot reach the database delays a change, never
    /// holds it.
    public func waitForChaining(timeout: Duration = .seconds(3)) async throws {
        try await withTimeout(timeout) { [group] in try await group.commit(Drain()) }
    }
}
