import Foundation

/// Writes the (jti, subject, index, exp) record of issued tokens in batches (group commit).
///
/// `record` returns once the token's record is committed, so a token is never handed out
/// before a revocation on any replica can find it. Writes do not queue behind each other one by
/// one: while one batch is being written, every record that arrives joins the next batch (at most
/// ``maxBatch`` records), so under load one INSERT carries many tokens and when idle a record is
/// written at once. ``flush()`` waits until everything recorded before it is committed.
actor TokenRecorder {
    private struct Entry {
        var record: StatusListStore.Record?
        var continuation: CheckedContinuation<Void, any Error>
    }

    let store: StatusListStore
    let maxBatch: Int
    let now: Clock
    private var pending: [Entry] = []
    private var draining = false
    /// Records written so far, and batches (for tests and the benchmark).
    private(set) var written = 0
    private(set) var batches = 0

    init(store: StatusListStore, maxBatch: Int = 512, now: @escaping Clock) {
        self.store = store
        self.maxBatch = maxBatch
        self.now = now
    }

    /// Records an issued token; returns when it is committed.
    func record(_ record: StatusListStore.Record) async throws {
        try await enqueue(record)
    }

    /// Waits until every record enqueued before this call is committed (before a revocation
    /// lookup or a status-list build, so nothing outstanding is missed).
    func flush() async throws {
        guard draining || !pending.isEmpty else { return }
        try await enqueue(nil)
    }

    private func enqueue(_ record: StatusListStore.Record?) async throws {
        try await withCheckedThrowingContinuation { continuation in
            pending.append(Entry(record: record, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    /// Writes batches until nothing is pending. Batches are FIFO, so when an entry's batch has
    /// committed, every entry before it has too.
    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            let records = batch.compactMap(\.record)
            do {
                try await store.write(records, at: now())
                written += records.count
                batches += records.isEmpty ? 0 : 1
                for entry in batch { entry.continuation.resume() }
            } catch {
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }
}
