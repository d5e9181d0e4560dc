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
            // What set-up left waiting (a chaining that timed out under the suite's load) first.
            try await cp.services.audit.chainPending()
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

    /// A database writer cannot have the server seal events it never wrote (the attack on issue
    /// #30): a forged row (no valid MAC), a copy of a chained row (spent nonce), rows the code
    /// cannot read (details not an object of strings, infinite or far times: one crashed the
    /// server and stopped every later start) are refused, recorded in the system chain, and block
    /// nothing: a change in another organisation is still chained before it is answered.
    @Test func rowsADatabaseWriterAddsAreRefusedAndBlockNothing() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOrg("globex")
            let acme = try await cp.services.organizations.find(slug: "acme").id
            // What set-up left waiting (a chaining that timed out under the suite's load) first.
            try await cp.services.audit.chainPending()
            // A genuine row, kept aside to be copied once it is chained.
            _ = try await cp.services.serviceAccounts.create(try await cp.superuserAccess(), name: "genuine", tokenBroker: false)
            let genuine = try await cp.database.query(
                "SELECT nonce, details::text, mac, mac_key FROM audit_inbox",
                logger: TestCluster.logger
            ).decode((UUID, String, String, String).self).collect()
            try #require(genuine.count == 1)
            #expect(try await cp.services.audit.chainPending() == 1)
            let (nonce, details, mac, macKey) = genuine[0]
            let forged: [String] = [
                "'\(UUID())', '\(acme)', now(), 'user:x', 'member.removed', 'user:ceo', '{\"email\": \"ceo@acme.test\"}', '\(mac)', '\(macKey)'",
                "'\(nonce)', '\(acme)', now(), 'apikey:x', 'service_account.created', 'svc:copy', '\(details)', '\(mac)', '\(macKey)'",
                "'\(UUID())', '\(acme)', '-infinity', 'x', 'poison', 't', '{}', 'x', '\(macKey)'",
                "'\(UUID())', '\(acme)', 'infinity', 'x', 'poison', 't', '{}', 'x', '\(macKey)'",
                "'\(UUID())', '\(acme)', '20000-01-01', 'x', 'poison', 't', '{}', 'x', '\(macKey)'",
                "'\(UUID())', '\(acme)', now(), 'x', 'poison', 't', '[1, 2, 3]', 'x', '\(macKey)'",
                "'\(UUID())', '\(acme)', now(), 'x', 'poison', 't', '{\"a\": 1}', 'x', '\(macKey)'",
                "'\(UUID())', '00000000-0000-0000-0000-000000000000', '2099-01-01', 'system', 'superuser_key.created', 'k', '{}', 'x', 'nope'",
            ]
            for values in forged {
                try await cp.database.query(
                    PostgresQuery(
                        unsafeSQL:
                            "INSERT INTO audit_inbox (nonce, org_id, at, actor, action, target, details, mac, mac_key) VALUES (\(values))"
                    ),
                    logger: TestCluster.logger
                )
            }
            // A change elsewhere is answered with its own event chained: nothing is blocked.
            let renamed = try await cp.send(.patch, "/v1/orgs/globex", json: ["name": "Globex Two"])
            #expect(renamed.status == 200, "\(renamed.text)")
            let acmeEvents = try await cp.send(.get, "/v1/orgs/acme/audit?limit=500").json["events"] as? [[String: Any]] ?? []
            #expect(!acmeEvents.contains { ($0["action"] as? String) == "member.removed" || ($0["action"] as? String) == "poison" })
            #expect(acmeEvents.filter { ($0["action"] as? String) == "service_account.created" }.count == 1, "the copy was not chained")
            let globex = try await cp.send(.get, "/v1/orgs/globex/audit?limit=5").json["events"] as? [[String: Any]] ?? []
            #expect(globex.first?["action"] as? String == "org.updated")
            let system = try await cp.send(.get, "/v1/audit?limit=500").json["events"] as? [[String: Any]] ?? []
            let rejected = system.filter { ($0["action"] as? String) == "audit.inbox_rejected" }
            #expect(rejected.count == forged.count, "\(rejected)")
            #expect(!system.contains { ($0["target"] as? String) == "k" }, "the forged system event was not chained")
            for path in ["/v1/orgs/acme/audit/verify", "/v1/orgs/globex/audit/verify", "/v1/audit/verify"] {
                #expect(try await cp.send(.get, path).json["verified"] as? Bool == true, "\(path)")
            }
        }
    }

    /// A time a hair before a whole second (PostgreSQL stores microseconds, so it would round
    /// up into the next second) still matches its MAC: every MFA event of a test on a frozen clock
    /// was refused before times were stored in whole seconds.
    @Test func aTimeJustBeforeASecondStillChains() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let org = try await cp.services.organizations.find(slug: "acme").id
            // What set-up left waiting (a chaining that timed out under the suite's load) first.
            try await cp.services.audit.chainPending()
            let at = Date(timeIntervalSince1970: 1_800_000_000.999_999_7)
            try await cp.database.withTransaction(logger: TestCluster.logger) { connection in
                try await cp.services.audit.append(
                    .init(.orgUpdated, "org:acme", ["name": "A"]),
                    org: org,
                    by: AuditActor("system"),
                    at: at,
                    on: connection
                )
            }
            #expect(try await cp.services.audit.chainPending() == 1)
            #expect(try await count(cp, "SELECT count(*)::int8 FROM audit_events WHERE action = 'audit.inbox_rejected'") == 0)
            let stored = try await cp.database.query(
                "SELECT extract(epoch FROM at)::int8 FROM audit_events WHERE org_id = \(org) AND action = 'org.updated'",
                logger: TestCluster.logger
            ).decode(Int64.self).collect()
            #expect(stored == [1_800_000_000])
        }
    }

    /// A change that fails leaves no event, chained or waiting: the event is part of its
    /// transaction.
    @Test func aChangeThatFailsLeavesNoEvent() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("dup@acme.test", join: false)
            // What set-up left waiting (a chaining that timed out under the suite's load) first.
            try await cp.services.audit.chainPending()
            let events = try await count(cp, "SELECT count(*)::int8 FROM audit_events")
            let again = try await cp.send(.post, "/v1/orgs/acme/members", json: ["email": "dup@acme.test", "name": "D", "role": "member"])
            #expect(again.status == 409)
            #expect(try await count(cp, "SELECT count(*)::int8 FROM audit_inbox") == 0)
            #expect(try await count(cp, "SELECT count(*)::int8 FROM audit_events") == events)
        }
    }
}
