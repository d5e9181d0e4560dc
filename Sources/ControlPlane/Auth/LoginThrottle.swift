public import Foundation
import Synchronization

/// Counts password attempts per key (email, client address) in a sliding window; over the limit,
/// further attempts are refused without checking the password.
///
/// An attempt is **reserved** before the password is checked (bcrypt takes tens of milliseconds)
/// and counts against the limit while in flight, so a concurrent burst cannot slip past the
/// check: at most `limit` attempts per key are ever evaluated per window. Memory is bounded by
/// `capacity` keys, evicting the least recently used idle key (never the whole table).
///
/// In memory and per process: several replicas each allow `limit` failures per window
/// (docs/operations.md).
public final class LoginThrottle: Sendable {
    public let limit: Int
    public let window: TimeInterval
    public let capacity: Int
    private let state: Mutex<Table>

    struct Entry {
        /// The most recent failures (at most `limit`), oldest first.
        var failures: [Date] = []
        var inFlight = 0
        var touched: UInt64 = 0
    }

    struct Table {
        var entries: [String: Entry] = [:]
        /// Keys in the order they were touched, with the tick of that touch; stale ticks are
        /// skipped lazily (least-recently-used eviction without a linked list).
        var order: [(key: String, tick: UInt64)] = []
        var head = 0
        var tick: UInt64 = 0
    }

    /// What a reservation turned into once the password was checked.
    public enum Outcome: Sendable { case failed, succeeded }

    public init(limit: Int = 10, window: TimeInterval = 60, capacity: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.capacity = max(capacity, 16)
        self.state = Mutex(Table())
    }

    /// Reserves one attempt for every key, atomically: `nil` when reserved (finish it with
    /// `finish(_:_:now:)`), otherwise the seconds until an attempt is allowed again.
    public func reserve(_ keys: [String], now: Date) -> Int? {
        state.withLock { table in
            var wait: TimeInterval = 0
            for key in keys {
                var entry = table.entries[key] ?? Entry()
                entry.failures.removeAll { now.timeIntervalSince($0) >= window }
                if entry.failures.count + entry.inFlight >= limit {
                    // Blocked by failures: until the oldest leaves the window; by attempts still
                    // being checked: a second (they end within bcrypt's time).
                    let byFailures = entry.failures.count >= limit ? window - now.timeIntervalSince(entry.failures[0]) : 0
                    wait = max(wait, byFailures, 1)
                }
                if table.entries[key] != nil { table.entries[key] = entry }
            }
            if wait > 0 { return Int(wait.rounded(.up)) }
            for key in keys {
                var entry = table.entries[key] ?? Entry()
                entry.inFlight += 1
                touch(&entry, key, &table)
            }
            return nil
        }
    }

    /// Ends a reservation: a failure counts for `window`; a success clears the keys' failures
    /// (`resetting` names which; the client address keeps its count).
    public func finish(_ keys: [String], _ outcome: Outcome, resetting: [String] = [], now: Date) {
        state.withLock { table in
            for key in keys {
                guard var entry = table.entries[key] else { continue }
                entry.inFlight = max(0, entry.inFlight - 1)
                if outcome == .failed {
                    entry.failures.append(now)
                    if entry.failures.count > limit { entry.failures.removeFirst(entry.failures.count - limit) }
                } else if resetting.contains(key) {
                    entry.failures.removeAll()
                }
                touch(&entry, key, &table)
            }
            while table.entries.count > capacity, evictOne(&table) {}
        }
    }

    /// Keys currently held (for tests of the bound).
    public var count: Int { state.withLock { $0.entries.count } }

    private func touch(_ entry: inout Entry, _ key: String, _ table: inout Table) {
        table.tick += 1
        entry.touched = table.tick
        table.entries[key] = entry
        table.order.append((key, table.tick))
        // Rebuild the touch log when it has grown well past the keys it orders, so it stays O(capacity).
        if table.order.count - table.head > 4 * capacity {
            table.order = table.entries.map { ($0.key, $0.value.touched) }.sorted { $0.1 < $1.1 }
            table.head = 0
        }
        if table.entries.count > capacity { _ = evictOne(&table) }
    }

    /// Drops the least recently touched key without an attempt in flight; `false` when none.
    private func evictOne(_ table: inout Table) -> Bool {
        var skipped: [(key: String, tick: UInt64)] = []
        defer { table.order.append(contentsOf: skipped) }
        while table.head < table.order.count {
            let (key, tick) = table.order[table.head]
            table.head += 1
            guard let entry = table.entries[key], entry.touched == tick else { continue }
            if entry.inFlight > 0 {
                skipped.append((key, tick))
                continue
            }
            table.entries[key] = nil
            return true
        }
        return false
    }
}
