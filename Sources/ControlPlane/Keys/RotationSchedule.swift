public import AgentOSAuth
public import Foundation

/// When an OS on a rotation schedule takes its next step, as a function of its keys and the
/// time only (`docs/keys.md`, rotation on a schedule), so the scheduler's decisions are the same
/// on every replica and in tests that move the clock.
public struct RotationSchedule: Sendable, Equatable {
    /// How long a key stays active (the OS's `rotation_period`).
    public var period: TimeInterval
    /// How long before the period ends the next key is published: at least the JWKS max age,
    /// plus one scheduler interval so a pass that comes late still stages in time.
    public var lead: TimeInterval
    /// A staged key signs only after it has been published this long, so every verifier caching
    /// the JWKS has it (activation waits when staging came late).
    public var publishedAtLeast: TimeInterval

    public init(period: TimeInterval, lead: TimeInterval, publishedAtLeast: TimeInterval) {
        self.period = period
        self.lead = lead
        self.publishedAtLeast = publishedAtLeast
    }

    /// The next step of a schedule.
    public enum Step: Sendable, Equatable {
        /// Create a pending key of this algorithm.
        case stage(SigningAlgorithm)
        /// Activate this pending key (the active one starts retiring).
        case activate(kid: String)
    }

    /// The step due at `now`, or `nil`. An OS without an active key is left alone: someone
    /// revoked it, and a new key is theirs to decide (the `OSWithoutActiveKey` alert fires).
    public func step(keys: [SigningKeyInfo], now: Date) -> Step? {
        guard let active = keys.first(where: { $0.state == .active }) else { return nil }
        let activeSince = active.activatedAt ?? active.createdAt
        let pending = keys.filter { $0.state == .pending }.min { ($0.createdAt, $0.kid) < ($1.createdAt, $1.kid) }
        guard let pending else {
            return now >= activeSince.addingTimeInterval(period - lead) ? .stage(active.algorithm) : nil
        }
        let due = max(activeSince.addingTimeInterval(period), pending.createdAt.addingTimeInterval(publishedAtLeast))
        return now >= due ? .activate(kid: pending.kid) : nil
    }
}
