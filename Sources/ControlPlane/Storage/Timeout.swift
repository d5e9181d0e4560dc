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
    // The first outcome wins: the operation's result, nil from the deadline, or the caller's
    // cancellation. What is left (the operation, the timer) is cancelled here, on the caller's
    // task: cancellation handlers of the operation never run on the shared timer's task.
    let race = DeadlineRace<T>()
    defer { race.cancelRemaining() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.wait(continuation)
            race.started(
                work: Task {
                    do {
                        race.finish(.success(try await operation()))
                    } catch {
                        race.finish(.failure(error))
                    }
                },
                timer: Deadlines.shared.schedule(after: duration) { race.finish(.success(nil)) }
            )
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
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
