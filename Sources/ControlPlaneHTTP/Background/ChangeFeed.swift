public import ControlPlane
import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// LISTENs on the change channel (migration 0009) and moves the ``ControlPlane/CacheEpoch`` on
/// every change notification, so a change committed anywhere — a revoked key, a removed grant,
/// a disabled member — ends every replica's cached token-path rows; and runs this replica's side
/// of the ``ReplicaFence``: hello every ``helloInterval``, acknowledging other replicas' fences.
///
/// Caching is on only while listening, and only from ``warmUp`` after the LISTEN, once the other
/// replicas have heard this one's hello and wait for it in their fences: a change in a gap would
/// go unseen. Run by `controlplane serve` beside the client; retried until graceful shutdown.
/// A class: every request's fence holds it, and a copy of its fields per request showed in the
/// request path's profile (docs/performance.md).
public final class ChangeFeed: Service, Sendable {
    let client: PostgresClient
    let epoch: CacheEpoch
    public let fence: ReplicaFence
    let notifier: ChangeNotifier
    let helloInterval: Duration
    let retryInterval: Duration
    let logger: Logger

    var warmUp: Duration { helloInterval * 2 }

    public init(client: PostgresClient, epoch: CacheEpoch, helloInterval: Duration = .seconds(3), logger: Logger) {
        self.client = client
        self.epoch = epoch
        self.fence = ReplicaFence(peerTimeout: Self.seconds(helloInterval * 3), logger: logger)
        self.notifier = ChangeNotifier(client: client, logger: logger)
        self.helloInterval = helloInterval
        self.retryInterval = .seconds(1)
        self.logger = logger
    }

    /// After a request that may have changed data: ends this replica's cached rows and waits
    /// until every live peer has ended theirs (``ReplicaFence``).
    public func changed() async {
        epoch.invalidate()
        await fence.fence(now: Date()) { [notifier, fence] id in try await notifier.send("fence:\(fence.replicaID):\(id)") }
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        try await self.listen()
                    } catch is CancellationError {
                        break
                    } catch {
                        self.logger.warning(
                            "change notifications lost; token-path caches are off until they resume",
                            metadata: ["error": "\(String(reflecting: error))"]
                        )
                    }
                    self.epoch.setLive(false)
                    try await Task.sleep(for: self.retryInterval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown interrupted the wait: done.
        }
        epoch.setLive(false)
    }

    private func listen() async throws {
        try await client.withConnection { connection in
            // Change notifications end cached rows on the connection's event loop as they are
            // read, before any task gets its turn on a busy cooperative pool.
            let onEventLoop = connection.addListener(channel: ChangeNotifier.channel) { [epoch] _, message in
                if ChangeMessage(message.payload).endsCachedRows { epoch.invalidate() }
            }
            defer { onEventLoop.stop() }
            try await connection.listen(on: ChangeNotifier.channel) { notifications in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.announce() }
                    // Handled in order: a fence is acknowledged after every change before it.
                    for try await notification in notifications { try await self.handle(ChangeMessage(notification.payload)) }
                    group.cancelAll()
                }
            }
        }
    }

    /// Hello now and every ``helloInterval``; caching on after ``warmUp``.
    private func announce() async throws {
        var elapsed = Duration.zero
        var live = false
        while !Task.isCancelled {
            try await notifier.send("hello:\(fence.replicaID)")
            if !live && elapsed >= warmUp {
                // Whatever was cached before may predate a change: setLive moves the epoch too.
                epoch.setLive(true)
                live = true
            }
            try await Task.sleep(for: helloInterval)
            elapsed += helloInterval
        }
    }

    private func handle(_ message: ChangeMessage) async throws {
        switch message {
        case .change:
            epoch.invalidate()
        case .hello(let replica):
            fence.heard(from: replica, at: Date())
        case .fence(let writer, let id):
            epoch.invalidate()
            guard writer != fence.replicaID else { return }
            fence.heard(from: writer, at: Date())
            try await notifier.send("ack:\(writer):\(id):\(fence.replicaID)")
        case .ack(let writer, let id, let replica):
            fence.heard(from: replica, at: Date())
            if writer == fence.replicaID { fence.acknowledged(id, by: replica) }
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A payload on the change channel: a trigger's table name, or a replica's fence message.
enum ChangeMessage: Equatable {
    case change
    case hello(replica: String)
    case fence(writer: String, id: String)
    case ack(writer: String, id: String, replica: String)

    init(_ payload: String) {
        let parts = payload.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("hello", 2): self = .hello(replica: parts[1])
        case ("fence", 3): self = .fence(writer: parts[1], id: parts[2])
        case ("ack", 4): self = .ack(writer: parts[1], id: parts[2], replica: parts[3])
        default: self = .change
        }
    }

    /// Whether cached rows must go: every change and every fence (hellos and acks change nothing).
    var endsCachedRows: Bool {
        switch self {
        case .change, .fence: true
        case .hello, .ack: false
        }
    }
}
