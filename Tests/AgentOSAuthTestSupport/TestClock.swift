public import AgentOSAuth
public import Foundation
import Synchronization

/// A clock tests move by hand, for token times and JWKS ages.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Starts at `start` (real time by default, so tokens built with real times are in date).
    public init(_ start: Date = Date()) {
        self.current = Mutex(start)
    }

    /// The current time.
    public var now: Date { current.withLock { $0 } }

    /// The clock as the gate and verifier take it.
    public var function: @Sendable () -> Date { { self.now } }

    /// Moves the clock forward.
    public func advance(_ seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Collects the verifier's ``AuthEvent``s.
public final class EventLog: Sendable {
    private let events = Mutex<[AuthEvent]>([])

    public init() {}

    /// The handler to give the gate.
    public var handler: AuthEventHandler { { event in self.events.withLock { $0.append(event) } } }

    /// Everything reported so far.
    public var all: [AuthEvent] { events.withLock { $0 } }

    /// The messages reported at `level`.
    public func messages(_ level: AuthEvent.Level) -> [String] { all.filter { $0.level == level }.map(\.message) }
}
