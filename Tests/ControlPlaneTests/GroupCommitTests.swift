import ServiceLifecycle
import Synchronization
import Testing

@testable import ControlPlane

/// The group commit behind token records and delegated tokens' audit events, on its own: groups
/// form while a write runs, a failure reaches exactly its callers, flushes wait, shutdown drains.
@Suite("Group commit")
struct GroupCommitTests {
    struct WriteFailed: Error, Equatable {}

    /// The writes a group commit made, each held until ``release()`` while ``holding`` is set.
    final class Writes: Sendable {
        private let state = Mutex<(groups: [[Int]], held: [CheckedContinuation<Void, Never>], holding: Bool)>(([], [], true))

        var groups: [[Int]] { state.withLock { $0.groups } }
        var held: Int { state.withLock { $0.held.count } }

        func write(_ items: [Int]) async throws {
            await withCheckedContinuation { continuation in
                let hold = state.withLock { state in
                    state.groups.append(items)
                    if state.holding { state.held.append(continuation) }
                    return state.holding
                }
                if !hold { continuation.resume() }
            }
            if items.contains(where: { $0 < 0 }) { throw WriteFailed() }
        }

        /// Lets every held write finish, and the later ones run through.
        func release() {
            let held = state.withLock { state in
                state.holding = false
                defer { state.held = [] }
                return state.held
            }
            for continuation in held { continuation.resume() }
        }
    }

    /// Waits (up to 10 s) until `condition` holds; a check that never comes true fails the test
    /// instead of hanging it.
    func eventually(_ what: Comment, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("never happened: \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func running<T: Sendable>(_ service: some Service, _ body: () async throws -> T) async throws -> T {
        let group = ServiceGroup(services: [service], logger: TestCluster.logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }

    @Test func itemsArrivingDuringAWriteJoinTheNextGroupsInOrder() async throws {
        let writes = Writes()
        let commit = GroupCommit<Int>(maxBatch: 3, write: writes.write)
        try await running(commit) {
            try await withThrowingTaskGroup(of: Void.self) { callers in
                callers.addTask { try await commit.commit(0) }
                try await eventually("the first item is being written") { writes.held == 1 }
                for item in 1...5 {
                    callers.addTask { try await commit.commit(item) }
                    try await eventually("item \(item) waits") { commit.waiting == item }
                }
                writes.release()
                try await callers.waitForAll()
            }
        }
        #expect(writes.groups == [[0], [1, 2, 3], [4, 5]])
        #expect(commit.written == 6 && commit.batches == 3)
    }

    /// A failed write fails every caller of its group (one transaction: none of its items was
    /// written) and no one else's.
    @Test func aFailedWriteFailsOnlyTheCallersOfItsGroup() async throws {
        let writes = Writes()
        let commit = GroupCommit<Int>(maxBatch: 2, write: writes.write)
        try await running(commit) {
            let first = Task { try await commit.commit(100) }
            try await eventually("the first item is being written") { writes.held == 1 }
            // Handed in one after another, so the groups are [1, 2] and [-1, 3].
            var outcomes: [(item: Int, task: Task<Void, any Error>)] = []
            for item in [1, 2, -1, 3] {
                outcomes.append((item, Task { try await commit.commit(item) }))
                try await eventually("item \(item) is waiting") { commit.waiting == outcomes.count }
            }
            writes.release()
            try await first.value
            for (item, outcome) in outcomes {
                if [-1, 3].contains(item) {
                    await #expect(throws: WriteFailed.self, "item \(item)") { try await outcome.value }
                } else {
                    try await outcome.value
                }
            }
        }
        #expect(writes.groups == [[100], [1, 2], [-1, 3]])
        #expect(commit.written == 3 && commit.batches == 2)
    }

    @Test func aFlushWaitsForTheItemsHandedInBeforeIt() async throws {
        let writes = Writes()
        let commit = GroupCommit<Int>(maxBatch: 10, write: writes.write)
        try await running(commit) {
            try await commit.flush()  // nothing pending: returns at once
            let item = Task { try await commit.commit(7) }
            try await eventually("the item is being written") { writes.held == 1 }
            // What was written when the flush returned: held back, the item cannot be.
            let flush = Task {
                try await commit.flush()
                return commit.written
            }
            try await eventually("the flush waits") { commit.waiting == 1 }
            writes.release()
            #expect(try await flush.value == 1, "the item was written when the flush returned")
            try await item.value
        }
        #expect(writes.groups == [[7]])
    }

    @Test func gracefulShutdownWritesWhatIsPendingThenRefusesMore() async throws {
        let writes = Writes()
        writes.release()
        let commit = GroupCommit<Int>(maxBatch: 2, write: writes.write)
        // Handed in before the service runs: they wait for it.
        let early = (1...3).map { item in Task { try await commit.commit(item) } }
        try await eventually("three items wait") { commit.waiting == 3 }
        let group = ServiceGroup(services: [commit], logger: TestCluster.logger)
        await group.triggerGracefulShutdown()
        try await group.run()
        for caller in early { try await caller.value }
        #expect(writes.groups == [[1, 2], [3]])
        await #expect(throws: GroupCommit<Int>.Stopped.self) { try await commit.commit(4) }
        try await commit.flush()
    }

    @Test func cancellationFailsWhatIsPending() async throws {
        let writes = Writes()
        writes.release()
        let commit = GroupCommit<Int>(maxBatch: 2, write: writes.write)
        let early = Task { try await commit.commit(1) }
        try await eventually("the item waits") { commit.waiting == 1 }
        // The service runs in a task that is cancelled from its start.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.cancelAll()
            group.addTask { try await commit.run() }
            try await group.waitForAll()
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        #expect(writes.groups.isEmpty)
        await #expect(throws: GroupCommit<Int>.Stopped.self) { try await commit.commit(2) }
    }
}
