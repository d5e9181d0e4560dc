import Synchronization

/// Every pending deadline of the process on one timer: a task that wakes every ``tick`` and
/// fires what is due, so a call of ``withDeadline(_:_:)`` costs a dictionary entry rather than a
/// timer and a task of its own. Deadlines fire up to one tick late.
final class DeadlineWheel: Sendable {
    /// The process's wheel; its task starts with the first deadline.
    static let shared = DeadlineWheel(tick: .milliseconds(50))

    struct Ticket: Hashable, Sendable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        let due: ContinuousClock.Instant
        let fire: @Sendable () -> Void
    }

    private struct State {
        var next: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
        var running = false
    }

    let tick: Duration
    private let state = Mutex(State())

    init(tick: Duration) {
        self.tick = tick
    }

    /// Calls `fire` at `due` (up to one tick late) unless removed first.
    func add(due: ContinuousClock.Instant, _ fire: @escaping @Sendable () -> Void) -> Ticket {
        let (ticket, start) = state.withLock { state in
            state.next &+= 1
            state.entries[state.next] = Entry(due: due, fire: fire)
            defer { state.running = true }
            return (Ticket(id: state.next), !state.running)
        }
        if start {
            Task.detached { [self] in await run() }
        }
        return ticket
    }

    func remove(_ ticket: Ticket) {
        _ = state.withLock { $0.entries.removeValue(forKey: ticket.id) }
    }

    private func run() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let due = state.withLock { state -> [Entry] in
                var due: [Entry] = []
                for (key, entry) in state.entries where entry.due <= now {
                    due.append(entry)
                    state.entries.removeValue(forKey: key)
                }
                return due
            }
            for entry in due { entry.fire() }
        }
    }
}
