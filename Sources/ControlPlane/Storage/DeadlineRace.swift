import Synchronization

/// The state of one ``withDeadline``: who waits, and the first outcome. Finishing resumes the
/// waiter once; the waiter then cancels what is left, the operation's task or the timer.
final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T?, any Error>?
        var outcome: Result<T?, any Error>?
        var work: Task<Void, Never>?
        var timer: UInt64?
    }

    private let state = Mutex(State())

    /// The waiter; resumed at once if the race is already over (the caller was cancelled first).
    func wait(_ continuation: CheckedContinuation<T?, any Error>) {
        let outcome = state.withLock { state -> Result<T?, any Error>? in
            guard let outcome = state.outcome else {
                state.continuation = continuation
                return nil
            }
            return outcome
        }
        if let outcome { continuation.resume(with: outcome) }
    }

    /// The operation's task and the timer, cancelled at once if the race is already over.
    func started(work: Task<Void, Never>, timer: UInt64) {
        let over = state.withLock { state -> Bool in
            guard state.outcome == nil else { return true }
            state.work = work
            state.timer = timer
            return false
        }
        if over {
            work.cancel()
            Deadlines.shared.cancel(timer)
        }
    }

    /// The first outcome resumes the waiter; later ones are ignored. Nothing else runs here: the
    /// timer's task calls it, and must never wait on the operation's cancellation handlers.
    func finish(_ outcome: Result<T?, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<T?, any Error>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: outcome)
    }

    /// Once the waiter has its outcome: cancels the operation (if still running) and the timer.
    func cancelRemaining() {
        let (work, timer) = state.withLock { state in
            defer { (state.work, state.timer) = (nil, nil) }
            return (state.work, state.timer)
        }
        work?.cancel()
        if let timer { Deadlines.shared.cancel(timer) }
    }
}
