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
    // One task per call and no timer of its own: the deadline joins the process's one
    // ``DeadlineWheel`` (a timer task and a stream per call led the request path's profile).
    let race = DeadlineRace<T>()
    let work = Task {
        do {
            race.settle(.success(try await operation()))
        } catch {
            race.settle(.failure(error))
        }
    }
    let ticket = DeadlineWheel.shared.add(due: .now + duration) { race.settle(.success(nil)) }
    defer {
        DeadlineWheel.shared.remove(ticket)
        work.cancel()
    }
    // The caller's own cancellation answers at once, as the operation may never return.
    return try await withTaskCancellationHandler {
        try await race.outcome()
    } onCancel: {
        race.settle(.failure(CancellationError()))
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
