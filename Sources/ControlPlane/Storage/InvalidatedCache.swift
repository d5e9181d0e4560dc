import Foundation
import Synchronization

/// Rows the token path reads from PostgreSQL, kept in memory until the data behind them changes
/// (``CacheEpoch``), their own validity ends (an API key's expiry) or ``maximumAge`` passes.
///
/// Only found rows are kept: a miss (an unknown key, a wrong client id) always reads the
/// database, so random credentials cannot fill the cache. At ``capacity`` the cache starts over.
final class InvalidatedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var generation: UInt64
        var validUntil: Date
    }

    let epoch: CacheEpoch
    let capacity: Int
    /// A bound on staleness should a notification never arrive while the feed believes it is
    /// listening (a connection dead without a reset): docs/decisions.md.
    let maximumAge: TimeInterval
    private let entries = Mutex<[Key: Entry]>([:])

    init(epoch: CacheEpoch, capacity: Int = 10_000, maximumAge: TimeInterval = 30) {
        self.epoch = epoch
        self.capacity = capacity
        self.maximumAge = maximumAge
    }

    /// The cached value of `key`, or what `load` reads (kept when found).
    ///
    /// - Parameter load: reads the row and says until when it is valid (`nil`: no end of its own).
    func value(_ key: Key, now: Date, load: () async throws -> (Value, validUntil: Date?)?) async throws -> Value? {
        // Read before loading: a change notified while the row is read makes the entry stale at once.
        guard let generation = epoch.current else { return try await load()?.0 }
        if let hit = lookup(key, generation: generation, now: now) { return hit }
        guard let (value, validUntil) = try await load() else { return nil }
        let until = min(validUntil ?? .distantFuture, now.addingTimeInterval(maximumAge))
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(value: value, generation: generation, validUntil: until)
        }
        return value
    }

    private func lookup(_ key: Key, generation: UInt64, now: Date) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.generation == generation, entry.validUntil > now else {
                entries[key] = nil
                return nil
            }
            return entry.value
        }
    }
}
