import Dispatch
import Synchronization

/// Every pending deadline of the process on one timer: a dispatch timer on a queue of its own
/// wakes every ``tick`` and fires what is due, so a call of ``withDeadline(_:_:)`` costs a
/// dictionary entry rather than a timer and a task of its own. Deadlines fire up to one tick late.
///
/// Not a task on the cooperative pool: a pool busy with (or blocked by) request work would delay
/// every deadline at once, which is when they matter (an earlier shared timer, a task, was
/// withdrawn after loaded test runs where servers answered nothing, cause not found:
/// docs/decisions.md).
final class DeadlineWheel: Sendable {
    /// The process's wheel; its timer starts with the first deadline.
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
        var timer: (any DispatchSourceTimer)?
    }

    let tick: Duration
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "controlplane.deadlines", qos: .userInitiated)

    init(tick: Duration) {
        self.tick = tick
    }

    /// Calls `fire` at `due` (up to one tick late) unless removed first.
    func add(due: ContinuousClock.Instant, _ fire: @escaping @Sendable () -> Void) -> Ticket {
        state.withLock { state in
            state.next &+= 1
            state.entries[state.next] = Entry(due: due, fire: fire)
            if state.timer == nil { state.timer = startTimer() }
            return Ticket(id: state.next)
        }
    }

    func remove(_ ticket: Ticket) {
        _ = state.withLock { $0.entries.removeValue(forKey: ticket.id) }
    }

    private func startTimer() -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let milliseconds = Int(tick.components.seconds * 1000 + tick.components.attoseconds / 1_000_000_000_000_000)
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler { [self] in fireDue() }
        timer.resume()
        return timer
    }

    private func fireDue() {
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
