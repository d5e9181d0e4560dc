import Synchronization

/// The first of an operation's result, its deadline and its caller's cancellation, for
/// ``withDeadline(_:_:)``: whichever settles first is the outcome, the others are ignored.
final class DeadlineRace<T: Sendable>: Sendable {
    private enum State {
        case pending(CheckedContinuation<T?, any Error>?)
        case settled(Result<T?, any Error>)
    }

    private let state = Mutex(State.pending(nil))

    /// Settles the race if nothing has yet; resumes a waiting caller.
    func settle(_ outcome: Result<T?, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<T?, any Error>? in
            guard case .pending(let waiter) = state else { return nil }
            state = .settled(outcome)
            return waiter
        }
        waiter?.resume(with: outcome)
    }

    /// The outcome, waiting for it if need be (one caller).
    func outcome() async throws -> T? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T?, any Error>) in
            let settled = state.withLock { state -> Result<T?, any Error>? in
                switch state {
                case .settled(let outcome): return outcome
                case .pending:
                    state = .pending(continuation)
                    return nil
                }
            }
            if let settled { continuation.resume(with: settled) }
        }
    }
}
