import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// Mutations commit their audit event to the inbox with their change, lock-free, and the
/// sequencer chains what waits in groups before the change is answered (docs/decisions.md,
/// "Mutations group-commit their audit events"; threat model: docs/security.md, "The audit
/// inbox").
@Suite("Audit events of mutations, chained in groups")
struct AuditInboxTests {
    func count(_ cp: ControlPlaneHarness, _ sql: String) async throws -> Int {
        try await cp.database.query(PostgresQuery(unsafeSQL: sql), logger: TestCluster.logger).decode(Int.self).collect().first ?? -1
    }

    /// A burst of changes in one organisation: every answer came after its event was chained
    /// (nothing waits in the inbox), each event once, the chain whole and in fewer transactions
    /// than changes.
    @Test func aBurstOfChangesIsChainedInGroupsBeforeItIsAnswered() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let chainingsBefore = cp.services.auditSequencer.group.batches
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        try await cp.send(
                            .post,
                            "/v1/orgs/acme/members",
                            json: ["email": "m\(index)@acme.test", "name": "M", "role": "member"]
                        )
                        .status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses)")
            // Read with SQL, not the API (whose reads chain what waits): the answers left nothing.
            #expect(try await count(cp, "SELECT count(*)::int8 FROM audit_inbox") == 0)
            let org = try await cp.services.organizations.find(slug: "acme").id
            let added = try await count(cp, "SELECT count(*)::int8 FROM audit_events WHERE org_id = '\(org)' AND action = 'member.added'")
            #expect(added == 64)
            let seqs = try await cp.database.query(
                "SELECT seq FROM audit_events WHERE org_id = \(org) ORDER BY seq",
                logger: TestCluster.logger
            ).decode(Int64.self).collect()
            #expect(seqs == Array(1...Int64(seqs.count)), "contiguous")
            let chainings = cp.services.auditSequencer.group.batches - chainingsBefore
            #expect(chainings >= 1 && chainings < 64, "\(chainings) chaining transactions for 64 changes")
            #expect(try await cp.send(.get, "/v1/orgs/acme/audit/verify").json["verified"] as? Bool == true)
        }
    }

    /// An event committed without a request to wait for it (an admin command, a process that
    /// stopped before chaining) is chained by the next audit read, and by start-up.
    @Test func whatWaitsIsChainedByTheNextReadAndAtStartUp() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let access = try await cp.superuserAccess()
            _ = try await cp.services.serviceAccounts.create(access, name: "offline", tokenBroker: false)
            #expect(try await count(cp, "SELECT count(*)::int8 FROM audit_inbox") == 1, "committed with the change, not chained yet")
            let audit = try await cp.send(.get, "/v1/orgs/acme/audit")
            let actions = (audit.json["events"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.first == "service_account.created", "\(actions)")
            #expect(try await count(cp, "SELECT count(*)::int8 FROM audit_inbox") == 0)
            // Start-up's pass: another event waiting, chained once, then nothing left.
            _ = try await cp.services.serviceAccounts.create(access, name: "offline-2", tokenBroker: false)
            #expect(try await cp.services.audit.chainPending() == 1)
            #expect(try await cp.services.audit.chainPending() == 0)
            #expect(try await cp.send(.get, "/v1/orgs/acme/audit/verify").json["verified"] as? Bool == true)
        }
    }

    /// A change that fails leaves no event, chained or waiting: the event is part of its
    /// transaction.
    @Test func aChangeThatFailsLeavesNoEvent() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("dup@acme.test", join: false)
            let events = try await count(cp, "SELECT count(*)::int8 FROM audit_events")
            let again = try await cp.send(.post, "/v1/orgs/acme/members", json: ["email": "dup@acme.test", "name": "D", "role": "member"])
            #expect(again.status == 409)
            #expect(try await count(cp, "SELECT count(*)::int8 FROM audit_inbox") == 0)
            #expect(try await count(cp, "SELECT count(*)::int8 FROM audit_events") == events)
        }
    }
}
