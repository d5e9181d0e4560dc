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
    /// deadline fails the test instead of hanging the suite). The bounds below are far from both
    /// the deadline and the 30 s, since the whole suite shares two cores.
    @Sendable static func stubborn(_ release: Release) async -> String {
        for _ in 0..<300 where !release.done.load(ordering: .relaxed) {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return "finished"
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func answersAtTheDeadlineWithoutWaitingForWorkThatIgnoresCancellation() async throws {
        let release = Release()
        defer { release() }
        let start = ContinuousClock.now
        let value = try await withDeadline(.milliseconds(200)) { await Self.stubborn(release) }
        let elapsed = Self.seconds(since: start)
        #expect(value == nil)
        // A group-based deadline returns only when the stubborn work does, after 30 s.
        #expect(elapsed < 15, "answered after \(elapsed) s")
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
        let start = ContinuousClock.now
        let caller = Task { try await withDeadline(.seconds(30)) { await Self.stubborn(release) } }
        try await Task.sleep(for: .milliseconds(100))
        caller.cancel()
        let outcome = await caller.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(Self.seconds(since: start) < 15)
    }

    @Test func aStrandedRequestIsAnswered503WithRetryAfter() async throws {
        let release = Release()
        defer { release() }
        let router = Router()
        router.get("/stuck") { _, _ in await Self.stubborn(release) }
        router.get("/quick") { _, _ in "quick" }
        let responder = DeadlineResponder(router.buildResponder(), timeout: .milliseconds(300))
        try await Application(responder: responder, logger: TestCluster.logger).test(.router) { client in
            let start = ContinuousClock.now
            try await client.execute(uri: "/stuck", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] != nil)
                #expect(String(buffer: response.body).contains("did not finish within"))
                // Answered outside the router's middleware, it still carries what every answer does
                // (issue #24: it had no Cache-Control and no hardening headers).
                #expect(response.headers[.cacheControl] == "no-store" && response.headers[.vary] == "Authorization, Cookie")
                #expect(response.headers[.contentSecurityPolicy] != nil && response.headers[.xContentTypeOptions] == "nosniff")
            }
            let elapsed = Self.seconds(since: start)
            #expect(elapsed < 15, "answered after \(elapsed) s")
            try await client.execute(uri: "/quick", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "quick")
            }
        }
    }
}
