import Foundation
import PostgresNIO

extension AuditTrail {
    /// Chains every event waiting in the inbox, every chain in one transaction (chain locks in id
    /// order, the system chain first, as every transaction that appends to several chains takes
    /// them); answers how many events it chained. The ``AuditSequencer`` runs it in groups, audit
    /// reads and start-up run it directly, so nothing written by a process that stopped (or by an
    /// admin command, which runs no sequencer) stays unchained.
    @discardableResult
    public func chainPending() async throws -> Int {
        try await store.client.transaction(logger: logger) { connection in
            var chained = 0
            for org in try await store.inboxChains(on: connection).sorted(by: { $0.uuidString < $1.uuidString }) {
                chained += try await chainCounting([], org: org, on: connection).added
            }
            return chained
        }
    }
}
