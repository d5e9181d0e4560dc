import ServiceLifecycle
import Synchronization

/// Writes the items its callers hand it in groups (group commit) and answers each caller once
/// its item is committed.
///
/// One write at a time: while a group is being written, every item that arrives joins the next
/// group (at most ``maxBatch`` items), so under load one write carries many items and when idle
/// an item is written at once. Groups are taken in arrival order, so once an item's group is
/// committed, every item handed in before it has been written too.
///
/// ``run()`` does the writing, in the task that runs the service (`controlplane serve` runs it
/// in its service group, beside the `PostgresClient` the writes go through). Graceful shutdown
/// writes what is pending, then returns; cancellation fails what is pending; an item handed in
/// after that is refused with ``Stopped``. An item handed in before ``run()`` starts waits for
/// it.
final class GroupCommit<Item: Sendable>: Service, Sendable {
    /// Writes one group of items. Throwing fails the callers of exactly those items.
    typealias Write = @Sendable ([Item]) async throws -> Void

    /// The answer to callers once the service has stopped.
    struct Stopped: Error, CustomStringConvertible {
        var description: String { "the group commit has stopped (the process is shutting down)" }
    }

    private struct Entry {
        /// `nil` for a ``GroupCommit/flush()`` marker.
        var item: Item?
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var pending: [Entry] = []
        var writing = false
        var stopped = false
        var written = 0
        var batches = 0
    }

    /// The most items taken into one group.
    let maxBatch: Int
    /// How long one write may take before it fails its callers and the next group goes ahead: a
    /// write stranded on a connection PostgreSQL closed (docs/operations.md, "Faults") must not
    /// hold every later caller for ever.
    let writeTimeout: Duration
    private let write: Write
    private let state = Mutex(State())
    /// Tells ``run()`` that something is pending; one buffered signal covers any number of items.
    private let signals: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    /// - Parameter write: writes one group; it belongs to the store it writes to.
    init(maxBatch: Int, writeTimeout: Duration = .seconds(10), write: @escaping Write) {
        precondition(maxBatch > 0, "a group holds at least one item")
        self.maxBatch = maxBatch
        self.writeTimeout = writeTimeout
        self.write = write
        (signals, signal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Items committed so far (for tests and the benchmark).
    var written: Int { state.withLock { $0.written } }
    /// Writes that committed at least one item so far (for tests and the benchmark).
    var batches: Int { state.withLock { $0.batches } }
    /// Items and flushes waiting for a group (for tests).
    var waiting: Int { state.withLock { $0.pending.count } }

    /// Hands in `item`; returns once it is committed, or throws what its write threw.
    func commit(_ item: Item) async throws {
        try await enqueue(item)
    }

    /// Waits until every item handed in before this call has been written (a failed write
    /// answered its own callers; the flush does not repeat it).
    func flush() async throws {
        let idle = state.withLock { !$0.writing && $0.pending.isEmpty }
        guard !idle else { return }
        try await enqueue(nil)
    }

    private func enqueue(_ item: Item?) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let accepted = state.withLock { state in
                guard !state.stopped else { return false }
                state.pending.append(Entry(item: item, continuation: continuation))
                return true
            }
            guard accepted else { return continuation.resume(throwing: Stopped()) }
            signal.yield()
        }
    }

    /// Writes groups until graceful shutdown (then writes what is pending) or cancellation
    /// (then fails it).
    func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            await writePending()
        }
        // From here on, nothing joins: what is pending is all there is.
        state.withLock { $0.stopped = true }
        signal.finish()
        if Task.isCancelled {
            let left = state.withLock { state in
                defer { state.pending = [] }
                return state.pending
            }
            for entry in left { entry.continuation.resume(throwing: CancellationError()) }
        } else {
            await writePending()
        }
    }

    /// Writes groups until nothing is pending.
    private func writePending() async {
        while !Task.isCancelled, let group = nextGroup() {
            let items = group.compactMap(\.item)
            var failure: (any Error)?
            if !items.isEmpty {
                do {
                    try await withTimeout(writeTimeout) { [write] in try await write(items) }
                } catch {
                    failure = error
                }
            }
            let committed = failure == nil ? items.count : 0
            state.withLock { state in
                state.written += committed
                state.batches += committed > 0 ? 1 : 0
                state.writing = false
            }
            for entry in group {
                if entry.item != nil, let failure {
                    entry.continuation.resume(throwing: failure)
                } else {
                    entry.continuation.resume()
                }
            }
        }
    }

    /// Takes the next group (`nil` when nothing is pending) and marks a write under way, so a
    /// ``flush()`` arriving meanwhile waits for it.
    private func nextGroup() -> [Entry]? {
        state.withLock { state in
            guard !state.pending.isEmpty else { return nil }
            let group = Array(state.pending.prefix(maxBatch))
            state.pending.removeFirst(group.count)
            state.writing = true
            return group
        }
    }
}
