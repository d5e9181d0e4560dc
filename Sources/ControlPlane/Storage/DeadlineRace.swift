import Synchronization

/// The state of one ``withDeadline``: who waits, and the first outcome. Finishing resumes the
/// waiter once and cancels what is left, the operation's task or the timer.
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

    func finish(_ outcome: Result<T?, any Error>) {
        let taken = state.withLock { state -> (CheckedContinuation<T?, any Error>?, Task<Void, Never>?, UInt64?)? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { (state.continuation, state.work, state.timer) = (nil, nil, nil) }
            return (state.continuation, state.work, state.timer)
        }
        guard let (continuation, work, timer) = taken else { return }
        continuation?.resume(with: outcome)
        work?.cancel()
        if let timer { Deadlines.shared.cancel(timer) }
    }
}
