import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// Scheduled rotation (`docs/keys.md`, rotation on a schedule): the whole schedule over
/// simulated time, two replicas racing, and a replica dying mid-rotation. Every replica is a
/// `ControlPlaneServices` of its own, on its own connection pool, over one test database.
@Suite("Key rotation on a schedule")
struct KeyRotationScheduleTests {
    static let day = 86_400
    /// Staging lead with the harness's settings: JWKS max age 300 s + check interval 60 s.
    static let lead: TimeInterval = 360
    /// Max token lifetime 3600 s + JWKS max age 300 s.
    static let retirement: TimeInterval = 3900

    struct Key: Equatable, CustomStringConvertible {
        var kid: String
        var state: String
        var description: String { "\(kid.prefix(8)):\(state)" }
    }

    static func keys(_ cp: ControlPlaneHarness) async throws -> [Key] {
        let rows = try await cp.send(.get, "/v1/orgs/acme/os/prod/keys").json["keys"] as? [[String: Any]] ?? []
        return rows.map { Key(kid: $0["kid"] as? String ?? "", state: $0["state"] as? String ?? "") }
    }

    static func jwksKids(_ cp: ControlPlaneHarness) async throws -> Set<String> {
        let keys = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil)).json["keys"] as? [[String: Any]] ?? []
        return Set(keys.compactMap { $0["kid"] as? String })
    }

    /// The scheduler's audit entries, oldest first, as `action target`.
    static func schedulerAudit(_ cp: ControlPlaneHarness) async throws -> [String] {
        let events = try await cp.send(.get, "/v1/orgs/acme/audit?limit=200").json["events"] as? [[String: Any]] ?? []
        return events.reversed().filter { $0["actor"] as? String == KeyRotation.actor.id }
            .map { "\($0["action"] as? String ?? "") \($0["target"] as? String ?? "")" }
    }

    /// An org with OS `prod` (ES256: quick to generate) rotating daily, on a frozen clock.
    static func scheduledOS(_ cp: ControlPlaneHarness) async throws -> String {
        cp.clock.freeze()
        try await cp.makeOrg()
        let body: [String: Any] = ["id": "prod", "name": "Prod", "algorithm": "ES256", "rotation_period": day, "verifier": "agentos-auth"]
        let reply = try await cp.send(.post, "/v1/orgs/acme/os", json: body)
        #expect(reply.status == 201 && (reply.json["os"] as? [String: Any])?["rotation_period"] as? Int == day, "\(reply.text)")
        return try #require((reply.json["signing_key"] as? [String: Any])?["kid"] as? String)
    }

    /// A second replica: its own services and connection pool on the harness's database, same clock.
    static func withSecondReplica(_ cp: ControlPlaneHarness, _ body: @Sendable (ControlPlaneServices) async throws -> Void) async throws {
        let configuration = try await TestCluster.server().configuration(cp.databaseName)
        try await DatabaseStartup.withClient(configuration, logger: TestCluster.logger) { client in
            let clock = cp.clock
            let services = ControlPlaneServices(
                client: client,
                masterKeys: ControlPlaneHarness.masterKeys,
                settings: ControlPlaneHarness.settings,
                logger: TestCluster.logger,
                now: { clock.now() }
            )
            try await services.withBackgroundServices { try await body(services) }
        }
    }

    @Test func stagesActivatesAndRetiresOnTime() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let first = try await Self.scheduledOS(cp)
            let rotation = cp.services.keyRotation
            cp.clock.advance(TimeInterval(Self.day) - Self.lead - 10)
            #expect(try await rotation.run() == .init(acted: true), "nothing is due before the lead")
            #expect(try await Self.keys(cp) == [Key(kid: first, state: "active")])

            // Staged a lead before the period ends: published, not signing.
            cp.clock.advance(20)
            let staged = try await rotation.run()
            #expect(staged.staged.count == 1 && staged.activated.isEmpty, "\(staged)")
            let keys = try await Self.keys(cp)
            let next = try #require(keys.first { $0.state == "pending" }?.kid)
            #expect(keys == [Key(kid: next, state: "pending"), Key(kid: first, state: "active")], "\(keys)")
            #expect(try await Self.jwksKids(cp) == [first, next])
            try await cp.bind(["user": try await cp.addMember("jo@acme.test")], role: "os-viewer")
            #expect(try await cp.token(["subject": "jo@acme.test"]).json["kid"] as? String == first)

            cp.clock.advance(Self.lead - 20)
            #expect(try await rotation.run() == .init(acted: true), "not yet: the period has not ended")

            // Activated when the period ends; the old key retires after max lifetime + max age.
            cp.clock.advance(15)
            let activated = try await rotation.run()
            #expect(activated.activated == ["os:prod/key:\(next)"] && activated.staged.isEmpty, "\(activated)")
            #expect(try await Self.keys(cp) == [Key(kid: next, state: "active"), Key(kid: first, state: "retiring")])
            #expect(try await cp.token(["subject": "jo@acme.test"]).json["kid"] as? String == next)
            #expect(try await Self.jwksKids(cp) == [first, next], "the old key stays published while its tokens live")

            cp.clock.advance(Self.retirement - 5)
            #expect(try await rotation.run() == .init(acted: true))
            cp.clock.advance(10)
            let retired = try await rotation.run()
            #expect(retired.retired == ["os:prod/key:\(first)"], "\(retired)")
            #expect(try await Self.keys(cp) == [Key(kid: next, state: "active"), Key(kid: first, state: "retired")])
            #expect(try await Self.jwksKids(cp) == [next])
            #expect(
                try await Self.schedulerAudit(cp) == [
                    "key.created os:prod/key:\(next)", "key.retiring os:prod/key:\(first)", "key.activated os:prod/key:\(next)",
                    "key.retired os:prod/key:\(first)",
                ]
            )
            let verified = try await cp.send(.get, "/v1/orgs/acme/audit/verify")
            #expect(verified.json["verified"] as? Bool == true, "\(verified.text)")
        }
    }

    /// A scheduler that was down past the staging time stages late, then still waits one JWKS
    /// max age before the new key signs, so no verifier meets a key it has not fetched.
    @Test func lateStagingStillPublishesForAWholeMaxAge() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            _ = try await Self.scheduledOS(cp)
            cp.clock.advance(TimeInterval(Self.day) + 1000)
            #expect(try await cp.services.keyRotation.run().staged.count == 1)
            cp.clock.advance(ControlPlaneHarness.settings.jwksMaxAge - 10)
            #expect(try await cp.services.keyRotation.run() == .init(acted: true))
            cp.clock.advance(20)
            #expect(try await cp.services.keyRotation.run().activated.count == 1)
        }
    }

    @Test func twoReplicasRacingStageOnceAndActivateOnce() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let first = try await Self.scheduledOS(cp)
            try await Self.withSecondReplica(cp) { (other: ControlPlaneServices) async throws in
                let replicas = [cp.services.keyRotation, other.keyRotation]
                func race() async throws -> [KeyRotation.Pass] {
                    try await withThrowingTaskGroup(of: KeyRotation.Pass.self) { group in
                        for round in 0..<8 { group.addTask { try await replicas[round % 2].run() } }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                }
                cp.clock.advance(TimeInterval(Self.day) - Self.lead + 5)
                let staging = try await race()
                #expect(staging.map(\.staged.count).reduce(0, +) == 1, "\(staging)")
                #expect(try await Self.keys(cp).filter { $0.state == "pending" }.count == 1)

                cp.clock.advance(Self.lead)
                let activation = try await race()
                #expect(activation.map(\.activated.count).reduce(0, +) == 1, "\(activation)")
                let keys = try await Self.keys(cp)
                #expect(keys.filter { $0.state == "active" }.count == 1 && keys.contains(Key(kid: first, state: "retiring")), "\(keys)")
                let audit = try await Self.schedulerAudit(cp)
                #expect(
                    audit.filter { $0.hasPrefix("key.created") }.count == 1 && audit.filter { $0.hasPrefix("key.activated") }.count == 1
                )
                print(
                    "rotation race: 8 passes per step on 2 replicas; staged 1, activated 1; skipped (lock held elsewhere): "
                        + "\(staging.filter { !$0.acted }.count) + \(activation.filter { !$0.acted }.count)"
                )
            }
        }
    }

    /// A replica that staged the next key and died: the other activates it on time and retires the old one.
    @Test func aReplicaDyingAfterStagingLeavesTheRestToTheOther() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let first = try await Self.scheduledOS(cp)
            cp.clock.advance(TimeInterval(Self.day) - Self.lead + 5)
            try await Self.withSecondReplica(cp) { (doomed: ControlPlaneServices) async throws in
                #expect(try await doomed.keyRotation.run().staged.count == 1)
            }
            // Its pool is gone; the survivor carries on from what the database says.
            cp.clock.advance(Self.lead)
            let pass = try await cp.services.keyRotation.run()
            #expect(pass.activated.count == 1 && pass.staged.isEmpty, "\(pass)")
            cp.clock.advance(Self.retirement + 1)
            #expect(try await cp.services.keyRotation.run().retired == ["os:prod/key:\(first)"])
        }
    }

    /// A replica that dies mid-pass (lock taken, the active key already moved to retiring, not
    /// committed): the others skip while it holds the lock; its death rolls the half-step back
    /// and releases the lock with its connection; the next pass rotates cleanly.
    @Test func aReplicaDyingMidPassRollsBackAndReleasesTheLock() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let first = try await Self.scheduledOS(cp)
            cp.clock.advance(TimeInterval(Self.day) + 10)
            let configuration = try await TestCluster.server().configuration(cp.databaseName)
            try await DatabaseStartup.withClient(configuration, logger: TestCluster.logger) { doomed in
                try await doomed.withConnection { connection in
                    try await connection.query("BEGIN", logger: TestCluster.logger)
                    let locked = try await connection.query(
                        "SELECT pg_try_advisory_xact_lock(hashtextextended('key-rotation', 7))",
                        logger: TestCluster.logger
                    ).decode(Bool.self).collect()
                    #expect(locked == [true])
                    try await connection.query(
                        "UPDATE signing_keys SET state = 'retiring' WHERE state = 'active'",
                        logger: TestCluster.logger
                    )
                    #expect(try await cp.services.keyRotation.run() == .init(acted: false), "another replica holds the pass")
                }
                // The client shuts down here with the transaction open: the replica is gone.
            }
            var pass = KeyRotation.Pass(acted: false)
            let deadline = ContinuousClock.now + .seconds(30)
            while !pass.acted && ContinuousClock.now < deadline {
                pass = try await cp.services.keyRotation.run()
                if !pass.acted { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(pass.acted && pass.staged.count == 1, "the lock died with its holder: \(pass)")
            #expect(try await Self.keys(cp).contains(Key(kid: first, state: "active")), "the half-done step was rolled back")
            cp.clock.advance(ControlPlaneHarness.settings.jwksMaxAge + 1)
            #expect(try await cp.services.keyRotation.run().activated.count == 1)
        }
    }

    /// A transaction-level lock never outlives its transaction on a pooled connection.
    @Test func theLockEndsWithItsTransactionNotItsConnection() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            _ = try await Self.scheduledOS(cp)
            try await cp.database.withConnection { connection in
                try await connection.query("BEGIN", logger: TestCluster.logger)
                try await connection.query(
                    "SELECT pg_try_advisory_xact_lock(hashtextextended('key-rotation', 7))",
                    logger: TestCluster.logger
                )
                #expect(try await cp.services.keyRotation.run().acted == false)
                try await connection.query("ROLLBACK", logger: TestCluster.logger)
                // Same connection, still open and back in use: the lock is free.
                #expect(try await cp.services.keyRotation.run().acted == true)
            }
        }
    }
}
