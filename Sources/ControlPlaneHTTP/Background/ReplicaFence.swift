public import Foundation
public import Logging
import Synchronization

/// Makes a change made through this replica take effect on every other replica before the
/// request that made it is answered: the writer sends a fence after its transaction committed,
/// and waits until each live peer has acknowledged it.
///
/// PostgreSQL delivers notifications to each listener in commit order, and a peer handles its
/// messages in order: when it acknowledges the fence it has already dropped its cached rows for
/// the change before it. Peers are the replicas heard from within ``peerTimeout`` (they say
/// hello every few seconds); one that does not answer within ``ackTimeout`` is logged and not
/// waited for longer, so a hung replica slows changes, never blocks them.
public final class ReplicaFence: Sendable {
    public let replicaID = UUID().uuidString.lowercased()
    let peerTimeout: TimeInterval
    let ackTimeout: Duration
    let logger: Logger

    private struct Waiter {
        var pending: Set<String>
        var continuation: CheckedContinuation<Set<String>, Never>
    }

    private struct State {
        var peers: [String: Date] = [:]
        var waiters: [String: Waiter] = [:]
    }

    private let state = Mutex(State())

    public init(peerTimeout: TimeInterval = 10, ackTimeout: Duration = .seconds(2), logger: Logger) {
        self.peerTimeout = peerTimeout
        self.ackTimeout = ackTimeout
        self.logger = logger
    }

    /// A message was heard from `replica`: it is live.
    func heard(from replica: String, at now: Date) {
        guard replica != replicaID else { return }
        state.withLock { $0.peers[replica] = now }
    }

    /// `replica` acknowledged `fence`.
    func acknowledged(_ fence: String, by replica: String) {
        let finished: Waiter? = state.withLock { state in
            guard var waiter = state.waiters[fence] else { return nil }
            waiter.pending.remove(replica)
            guard waiter.pending.isEmpty else {
                state.waiters[fence] = waiter
                return nil
            }
            state.waiters[fence] = nil
            return waiter
        }
        finished?.continuation.resume(returning: [])
    }

    /// Sends a fence with `send` and waits for every live peer's acknowledgement (at most
    /// ``ackTimeout``); returns at once when there are no peers.
    func fence(now: Date, send: @escaping @Sendable (String) async throws -> Void) async {
        let peers = state.withLock { state in
            state.peers = state.peers.filter { now.timeIntervalSince($0.value) < peerTimeout }
            return Set(state.peers.keys)
        }
        guard !peers.isEmpty else { return }
        let fence = UUID().uuidString.lowercased()
        let unanswered = await withCheckedContinuation { (continuation: CheckedContinuation<Set<String>, Never>) in
            state.withLock { $0.waiters[fence] = Waiter(pending: peers, continuation: continuation) }
            Task {
                do {
                    try await send(fence)
                    try await Task.sleep(for: ackTimeout)
                } catch {
                    logger.warning("could not send a change fence", metadata: ["error": "\(String(reflecting: error))"])
                }
                let expired = state.withLock { $0.waiters.removeValue(forKey: fence) }
                expired?.continuation.resume(returning: expired?.pending ?? [])
            }
        }
        if !unanswered.isEmpty {
            logger.warning(
                "replicas did not confirm a change in time; their caches may answer from before it for a moment",
                metadata: ["replicas": "\(unanswered.sorted())"]
            )
        }
    }
}
