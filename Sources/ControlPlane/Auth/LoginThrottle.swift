public import Foundation
import Synchronization

/// Counts failed sign-ins per email and per client address in a sliding window; over the limit,
/// further attempts are refused without checking the password.
///
/// In memory and per process: several replicas each allow `limit` failures per window (documented
/// in docs/operations.md).
public final class LoginThrottle: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limit: Int = 10, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Seconds until another attempt is allowed for any of `keys`, or `nil` when allowed now.
    public func retryAfter(_ keys: [String], now: Date) -> Int? {
        failures.withLock { table in
            var wait: TimeInterval = 0
            for key in keys {
                let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
                table[key] = recent.isEmpty ? nil : recent
                if recent.count >= limit, let oldest = recent.first {
                    wait = max(wait, window - now.timeIntervalSince(oldest))
                }
            }
            return wait > 0 ? max(1, Int(wait.rounded(.up))) : nil
        }
    }

    public func recordFailure(_ keys: [String], now: Date) {
        failures.withLock { table in
            if table.count > 100_000 { table.removeAll() }  // bounded memory under a spray of addresses
            for key in keys { table[key, default: []].append(now) }
        }
    }

    public func reset(_ key: String) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }
}
