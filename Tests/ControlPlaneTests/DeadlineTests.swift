import ControlPlane
import ControlPlaneHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The request deadline answers on time even when the work it cancels never notices: a
/// postgres-nio statement written to a connection PostgreSQL has just closed never completes, and
/// a deadline built on a task group waited for it, so a request caught by a restart hung the
/// client for good (seen in the outage fault test, one run in three under load).
@Suite("Request deadline")
struct DeadlineTests {
    /// Set when a test is over, so stranded work ends.
    final class Release: Sendable {
        let done = Atomic<Bool>(false)
        func callAsFunction() { done.store(true, ordering: .relaxed) }
    }

    /// Work that ignores cancellation and runs until released, 30 s at most (bounded, so a broken
    /// deadline fails the test instead of hanging the suite).
    @Sendable static func stubborn(_ release: Release) async -> String {
        for _ in 0..<300 where !release.done.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return "finished"
    }

    /// The deadline under test: long enough that the margin below is small beside it.
    static let deadline = Duration.seconds(2)

    /// How late an answer may come on a loaded machine: the in-process suite shares two cores,
    /// and a cooperative thread can be held by synchronous work of another test (an RSA-2048 key
    /// generated in a debug build takes hundreds of milliseconds), so a resumption may wait for a
    /// few of those. 1.5 s covers that and stays below another deadline's worth: a deadline that
    /// doubled (answering at 4 s) fails, as does one that waits for the work (30 s).
    static let margin = Duration.milliseconds(1500)

    @Test func answersAtTheDeadlineWithoutWaitingForWorkThatIgnoresCancellation() async throws {
        let release = Release()
        defer { release() }
        let start = ContinuousClock.now
        let value = try await withDeadline(Self.deadline) { await Self.stubborn(release) }
        let elapsed = ContinuousClock.now - start
        #expect(value == nil)
        // At the deadline, not before it; a group-based deadline returns only when the stubborn
        // work does, after 30 s.
        #expect(elapsed >= Self.deadline && elapsed < Self.deadline + Self.margin, "answered after \(elapsed)")
    }

    @Test func returnsTheResultOrTheErrorOfWorkThatFinishesInTime() async throws {
        #expect(try await withDeadline(.seconds(5)) { 42 } == 42)
        struct Refused: Error, Equatable {}
        await #expect(throws: Refused.self) {
            _ = try await withDeadline(.seconds(5)) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func aCancelledCallerIsNotKeptWaiting() async throws {
        let release = Release()
        defer { release() }
        let caller = Task { try await withDeadline(.seconds(30)) { await Self.stubborn(release) } }
        try await Task.sleep(for: .milliseconds(100))
        let cancelled = ContinuousClock.now
        caller.cancel()
        let outcome = await caller.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        // At once (within the margin), not at the 30-s deadline nor when the work ends.
        let waited = ContinuousClock.now - cancelled
        #expect(waited < Self.margin, "answered \(waited) after the cancellation")
    }

    @Test func aStrandedRequestIsAnswered503WithRetryAfter() async throws {
        let release = Release()
        defer { release() }
        let router = Router()
        router.get("/stuck") { _, _ in await Self.stubborn(release) }
        router.get("/quick") { _, _ in "quick" }
        let responder = DeadlineResponder(router.buildResponder(), timeout: Self.deadline)
        try await Application(responder: responder, logger: TestCluster.logger).test(.router) { client in
            let start = ContinuousClock.now
            try await client.execute(uri: "/stuck", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] != nil)
                #expect(String(buffer: response.body).contains("did not finish within"))
                // Answered outside the router's middleware, it must still carry what every answer
                // does: no-store, Vary and the hardening headers (docs/security.md, 3.4).
                #expect(response.headers[.cacheControl] == "no-store" && response.headers[.vary] == "Authorization, Cookie")
                #expect(response.headers[.contentSecurityPolicy] != nil && response.headers[.xContentTypeOptions] == "nosniff")
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= Self.deadline && elapsed < Self.deadline + Self.margin, "answered after \(elapsed)")
            try await client.execute(uri: "/quick", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "quick")
            }
        }
    }
}
