import Foundation
import Logging
import PostgresNIO

/// The key-rotation scheduler's work, one pass at a time (`docs/keys.md`, rotation on a
/// schedule): stage the next key of every OS whose period is ending, activate staged keys when
/// due, and mark retiring keys past `retire_at` as retired, each audited as the scheduler.
///
/// A pass is one transaction that first takes a transaction-level advisory lock with
/// `pg_try_advisory_xact_lock`: every replica runs passes, exactly one acts at a time, and a
/// replica that dies mid-pass rolls back and releases the lock with its connection. State lives
/// only in the database, so whichever replica runs the next pass continues where another stopped.
public struct KeyRotation: Sendable {
    let client: PostgresClient
    let store: RotationStore
    let keys: SigningKeys
    let osStore: OSStore
    let audit: AuditTrail
    let settings: ControlPlaneSettings
    /// OSes examined per pass (key generation happens inside the pass's transaction).
    let batch: Int
    let logger: Logger
    let now: WallClock

    /// Who the audit trail names for the scheduler's steps.
    public static let actor = AuditActor("system:key-rotation")

    /// What one pass did; targets are `os:<id>/key:<kid>` as in the audit trail.
    public struct Pass: Sendable, Equatable {
        /// `false`: another replica held the lock, so this one did nothing.
        public var acted: Bool
        public var staged: [String] = []
        public var activated: [String] = []
        public var retired: [String] = []

        public var changedSomething: Bool { !(staged.isEmpty && activated.isEmpty && retired.isEmpty) }
    }

    /// The schedule of an OS with a rotation period.
    func schedule(period: Int) -> RotationSchedule {
        RotationSchedule(
            period: TimeInterval(period),
            lead: settings.jwksMaxAge + settings.rotationCheckInterval,
            publishedAtLeast: settings.jwksMaxAge
        )
    }

    /// Runs one pass at the clock's current time.
    public func run() async throws -> Pass {
        let at = now()
        let lead = settings.jwksMaxAge + settings.rotationCheckInterval
        let (pass, activatedOSes) = try await client.transaction(logger: logger) { connection -> (Pass, [UUID]) in
            guard try await store.tryLock(on: connection) else { return (Pass(acted: false), []) }
            var pass = Pass(acted: true)
            var activatedOSes: [UUID] = []
            for os in try await store.due(now: at, lead: lead, limit: batch, on: connection) {
                guard let period = os.rotationPeriod else { continue }
                // Locked like every other key change of the OS, then read again: an admin's
                // rotation, an ended schedule or a switch to stock Agno committed meanwhile is seen.
                let locked = try await osStore.lock(os, on: connection)
                guard locked.rotationPeriod == period, locked.verifier == .agentosAuth else { continue }
                let current = try await keys.store.keys(os: os.internalID, now: at, on: connection)
                switch schedule(period: period).step(keys: current, now: at) {
                case .stage(let algorithm):
                    let key = try await keys.insert(
                        try KeyMaterial.generate(algorithm),
                        os: os,
                        state: .pending,
                        at: at,
                        by: Self.actor,
                        on: connection
                    )
                    pass.staged.append("os:\(os.id)/key:\(key.kid)")
                case .activate(let kid):
                    try await keys.retireActive(os, at: at, by: Self.actor, on: connection)
                    try await keys.store.activate(os: os.internalID, kid: kid, at: at, on: connection)
                    let target = "os:\(os.id)/key:\(kid)"
                    try await audit.append(
                        .init(.keyActivated, target, ["reason": "schedule"]),
                        org: os.orgID,
                        by: Self.actor,
                        at: at,
                        on: connection
                    )
                    pass.activated.append(target)
                    activatedOSes.append(os.internalID)
                case nil:
                    continue
                }
            }
            for key in try await store.retireDue(now: at, limit: batch, on: connection) {
                let target = "os:\(key.os)/key:\(key.kid)"
                try await audit.append(.init(.keyRetired, target), org: key.org, by: Self.actor, at: at, on: connection)
                pass.retired.append(target)
            }
            return (pass, activatedOSes)
        }
        // After commit: a signer cached mid-transaction would still be the old key.
        for os in activatedOSes { keys.signers.remove(os: os) }
        if pass.changedSomething {
            logger.notice(
                "key rotation pass",
                metadata: ["staged": "\(pass.staged)", "activated": "\(pass.activated)", "retired": "\(pass.retired)"]
            )
        }
        return pass
    }
}
