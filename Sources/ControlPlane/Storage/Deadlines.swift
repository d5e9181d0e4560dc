import Synchronization

/// One timer for every pending deadline of the process: ``withDeadline`` registers each, and a
/// single task, running only while some are pending, fires the expired ones every
/// ``resolution``.
///
/// Every request runs under a deadline (`DeadlineResponder`); a sleeping task of its own per
/// request put a dispatch timer in and out of the timer heap each time, a visible share of a
/// token request (docs/performance.md). A deadline fires up to ``resolution`` late.
final class Deadlines: Sendable {
    static let shared = Deadlines(resolution: .milliseconds(50))

    private struct Entry {
        var at: ContinuousClock.Instant
        var fire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var ticking = false
    }

    let resolution: Duration
    private let state = Mutex(State())

    init(resolution: Duration) {
        self.resolution = resolution
    }

    /// Calls `fire` once `duration` has passed, unless ``cancel(_:)`` comes first.
    func schedule(after duration: Duration, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, startTicking) = state.withLock { state -> (UInt64, Bool) in
            state.nextID += 1
            state.entries[state.nextID] = Entry(at: .now + duration, fire: fire)
            defer { state.ticking = true }
            return (state.nextID, !state.ticking)
        }
        if startTicking { Task { await tick() } }
        return id
    }

    func cancel(_ id: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    /// Runs while deadlines are pending; the one that finds none left stops, in the same lock
    /// that tells ``schedule(after:_:)`` to start another: never two at once.
    private func tick() async {
        while true {
            try? await Task.sleep(for: resolution)
            let now = ContinuousClock.now
            let (expired, stop) = state.withLock { state -> ([Entry], Bool) in
                let expired = state.entries.filter { $0.value.at <= now }
                for id in expired.keys { state.entries[id] = nil }
                if state.entries.isEmpty { state.ticking = false }
                return (Array(expired.values), !state.ticking)
            }
            for entry in expired { entry.fire() }
            if stop { return }
        }
    }
}
