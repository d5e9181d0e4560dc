/// Runs `operation` in a task of its own and returns its result, or `nil` when `duration` passes
/// first; at the deadline the operation is cancelled and left to finish on its own.
///
/// Unlike a task group, this never waits for a cancelled operation: postgres-nio 1.33 loses a
/// statement written to a connection that PostgreSQL closed a moment before (the channel write
/// fails with nobody to tell), so a request caught between two statements of a transaction by a
/// PostgreSQL restart never returns, cancelled or not (`docs/operations.md`, "Faults"). A group
/// would hang with it; this answers on time and costs one stranded task per such request.
public func withDeadline<T: Sendable>(
    _ duration: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T? {
    // The first outcome wins: a result, or nil from the timer.
    let (outcomes, continuation) = AsyncStream<Result<T, any Error>?>.makeStream(bufferingPolicy: .bufferingOldest(1))
    let work = Task {
        do {
            continuation.yield(.success(try await operation()))
        } catch {
            continuation.yield(.failure(error))
        }
    }
    let timer = Task {
        guard (try? await Task.sleep(for: duration)) != nil else { return }
        continuation.yield(nil)
    }
    defer {
        timer.cancel()
        work.cancel()
        continuation.finish()
    }
    var iterator = outcomes.makeAsyncIterator()
    // `next()` answers nil at once when the caller itself is cancelled.
    guard let first = await iterator.next() else { throw CancellationError() }
    return try first?.get()
}

/// Runs `operation`, failing with `TimeoutError` when it takes longer than `duration`.
func withTimeout<T: Sendable>(
    _ duration: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    guard let value = try await withDeadline(duration, operation) else { throw TimeoutError(duration: duration) }
    return value
}

/// An operation did not finish in time.
public struct TimeoutError: Error, CustomStringConvertible, Sendable {
    public var duration: Duration
    public var description: String { "timed out after \(duration)" }
}
