import Foundation

/// Writes the (jti, subject, index, exp) record of issued tokens in groups (``GroupCommit``).
///
/// ``GroupCommit/record(_:)`` returns once the token's record is committed, so a token is never
/// handed out before a revocation on any replica can find it; under load one INSERT carries many
/// tokens. ``GroupCommit/flush()`` comes before a revocation lookup or a status-list build, so
/// no record handed in earlier is missed.
typealias TokenRecorder = GroupCommit<StatusListStore.Record>

extension GroupCommit where Item == StatusListStore.Record {
    /// Writes through `store`, stamped with `now()` at each write.
    convenience init(store: StatusListStore, maxBatch: Int = 512, now: @escaping @Sendable () -> Date) {
        self.init(maxBatch: maxBatch) { records in try await store.write(records, at: now()) }
    }

    /// Records an issued token; returns when it is committed.
    func record(_ record: StatusListStore.Record) async throws {
        try await commit(record)
    }
}
