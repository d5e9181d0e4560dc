import Foundation

/// What the operational gauges show, read from the database when `/metrics` is scraped (so every
/// replica reports the same, current values without a background task).
public struct OperationalStats: Sendable {
    let store: StatsStore
    let now: WallClock

    public struct Snapshot: Sendable {
        /// Seconds since each OS's active key was activated (`nil` when the OS has none), and
        /// its rotation period (`nil` without a schedule).
        public var keyAges: [(org: String, os: String, seconds: Double?, rotationPeriod: Int?)]
        /// Server connections of this database by state.
        public var connections: [(state: String, count: Int)]
        public var appliedMigrations: Int
    }

    public func snapshot() async throws -> Snapshot {
        let at = now()
        return Snapshot(
            keyAges: try await store.activeKeys().map {
                ($0.org, $0.os, $0.activatedAt.map { at.timeIntervalSince($0) }, $0.rotationPeriod)
            },
            connections: try await store.connections(),
            appliedMigrations: try await store.appliedMigrations()
        )
    }
}
