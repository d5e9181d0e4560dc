import Synchronization

/// Whether what a replica cached from PostgreSQL may still be used, and since which change.
///
/// Caches tag each entry with the generation current before they read it; an entry answers only
/// while the generation is unchanged. ``ChangeFeed`` moves the generation on every change
/// notification, and turns caching off (``current`` is `nil`) whenever it is not listening, since
/// a change then would go unnoticed. Starts off: a process that runs no feed (the CLI's admin
/// commands, tests that build the services alone) reads PostgreSQL every time.
public final class CacheEpoch: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var live = false
    }

    private let state = Mutex(State())

    public init() {}

    /// The generation to tag a read with, or `nil` when nothing may be cached.
    var current: UInt64? {
        state.withLock { $0.live ? $0.generation : nil }
    }

    /// Something cached may be stale: every entry read before now stops answering.
    public func invalidate() {
        state.withLock { $0.generation &+= 1 }
    }

    /// Listening (or not): either way, nothing cached before stays valid (``ChangeFeed`` in
    /// ControlPlaneHTTP calls it).
    public func setLive(_ live: Bool) {
        state.withLock {
            $0.generation &+= 1
            $0.live = live
        }
    }
}
