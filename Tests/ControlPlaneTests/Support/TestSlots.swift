import Foundation

/// How many heavy tests (a database of their own, a control plane, child servers) run at once.
///
/// Swift Testing starts every test of the process at the same moment. On a 2-core machine, 280
/// tests at once made PostgreSQL wait seconds for the test process's next statement ("idle in
/// transaction", `ClientRead`) and live-server requests outlast the test client's 20 s read
/// timeout; CI failed on it (docs/testing.md, "Concurrency"). Tests queue here instead. A test
/// that already holds a slot (its task or a child task) enters again without waiting, so nested
/// use cannot deadlock.
enum TestSlots {
    /// Two per core, at least four: enough to keep both cores busy while tests wait on child
    /// processes, few enough that no request waits long for a thread. (Three per core, with the
    /// 320 tests of issue #16's stop, let CLI runs against an in-process server time out at 30 s
    /// in about half the full runs on 2 cores.)
    static let width = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)

    @TaskLocal private static var holding = false

    private static let gate = Gate(width: width)

    /// Runs `body` once a slot is free (at once if this task already holds one).
    static func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        _ = PoolWatchdog.started
        if holding { return try await body() }
        await gate.enter()
        do {
            let value = try await $holding.withValue(true) { try await body() }
            await gate.leave()
            return value
        } catch {
            await gate.leave()
            throw error
        }
    }

    /// A counting semaphore that suspends instead of blocking a thread; first come, first served.
    private actor Gate {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(width: Int) { free = width }

        func enter() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func leave() {
            if waiting.isEmpty {
                free += 1
            } else {
                // The slot passes straight to the next waiter.
                waiting.removeFirst().resume()
            }
        }
    }
}
