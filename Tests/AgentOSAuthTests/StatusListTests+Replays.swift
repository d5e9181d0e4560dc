import AgentOSAuth
import AgentOSAuthTestSupport
import Foundation
import Synchronization
import Testing

/// Lists served late (a shared cache, a lagging replica, a replay): a revocation the OS has seen
/// stays in force, and a list is as old as its `iat` (docs/agno-compatibility.md).
extension StatusListTests {
    /// A shared cache, a lagging replica or a replay may serve a list older than the one held:
    /// a revocation once seen stays in force.
    @Test func anOlderListNeverUndoesARevocation() async throws {
        let clock = TestClock()
        let server = Server()
        let issued = clock.now
        server.set(Self.list(revoked: [], now: issued))
        let events = EventLog()
        let gate = try gate(server, clock: clock, events: events)
        let token = Self.token(index: 7)
        #expect(await decide(gate, token) == (200, nil))
        clock.advance(10)
        server.set(Self.list(revoked: [7], now: clock.now))
        clock.advance(61)
        #expect(await decide(gate, token) == (401, "Invalid token: Token has been revoked"))
        server.set(Self.list(revoked: [], now: issued))
        clock.advance(61)
        #expect(await decide(gate, token) == (401, "Invalid token: Token has been revoked"), "the older list was used")
        #expect(server.fetches.load(ordering: .relaxed) == 3, "the older list was fetched, and refused")
        #expect(events.messages(.warning).contains { $0.contains("before the one held") }, "\(events.messages(.warning))")
    }

    /// A list's age is its `iat`'s, not its fetch's: a copy older than the maximum staleness
    /// (600 s by default) is not used, however recently it was fetched.
    @Test func aListIsAsOldAsItsIssueTime() async throws {
        let clock = TestClock()
        let server = Server()
        server.set(Self.list(revoked: [], now: clock.now.addingTimeInterval(-601)))
        let gate = try gate(server, clock: clock)
        #expect(await decide(gate, Self.token(index: 7)) == (401, "Invalid token: token status unavailable"))
        server.set(Self.list(revoked: [], now: clock.now.addingTimeInterval(-599)))
        clock.advance(10)
        #expect(await decide(gate, Self.token(index: 7)) == (401, "Invalid token: token status unavailable"), "599 + 10 s old")
        server.set(Self.list(revoked: [], now: clock.now.addingTimeInterval(-300)))
        clock.advance(10)
        #expect(await decide(gate, Self.token(index: 7)) == (200, nil))
    }

    /// `iat` has whole seconds: two lists of one second may differ. Neither order undoes a
    /// revocation: a list of the same second adds its refusals to the held one's.
    @Test func aListOfTheSameSecondNeverUndoesARevocation() async throws {
        let clock = TestClock()
        let server = Server()
        let second = clock.now
        server.set(Self.list(revoked: [7], now: second))
        let gate = try gate(server, clock: clock)
        let token = Self.token(index: 7)
        let revoked = (401, Optional("Invalid token: Token has been revoked"))
        #expect(await decide(gate, token) == revoked)
        server.set(Self.list(revoked: [], now: second))
        clock.advance(61)
        #expect(await decide(gate, token) == revoked, "the same second's list without the revocation was used")
        #expect(server.fetches.load(ordering: .relaxed) == 2)
        // The other order: a revocation in a list of the held list's second is seen.
        server.set(Self.list(revoked: [7, 9], now: second))
        clock.advance(61)
        #expect(await decide(gate, Self.token(index: 9)) == revoked)
        #expect(await decide(gate, Self.token(index: 8)) == (200, nil))
    }
}
