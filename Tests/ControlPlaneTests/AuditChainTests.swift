import Crypto
import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// A forged audit chain: rows edited, deleted, reordered, moved or cut with SQL in the test
/// database, as a writer with database access could; each must fail `audit verify` (a cut tail
/// once the head is pinned).
@Suite("Keyed audit chain")
struct AuditChainTests {
    /// acme with a few events; returns its id.
    func setUp(_ cp: ControlPlaneHarness) async throws -> UUID {
        try await cp.makeOrg()
        try await cp.makeOS()
        try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": true])
        try await cp.addMember("erin@acme.test", join: false)
        return try await cp.services.organizations.find(slug: "acme").id
    }

    func verify(_ cp: ControlPlaneHarness, _ query: String = "") async throws -> ControlPlaneHarness.Reply {
        try await cp.send(.get, "/v1/orgs/acme/audit/verify" + query)
    }

    func sql(_ cp: ControlPlaneHarness, _ text: String) async throws {
        try await cp.database.query(PostgresQuery(unsafeSQL: text), logger: TestCluster.logger)
    }

    @Test func intactChainReportsItsHeadAndAPinnedHeadPasses() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            _ = try await setUp(cp)
            let reply = try await verify(cp)
            let head = try #require(reply.json["head"] as? [String: Any])
            let seq = try #require(head["seq"] as? Int)
            let mac = try #require(head["mac"] as? String)
            #expect(reply.json["verified"] as? Bool == true && reply.json["events"] as? Int == seq && seq >= 5, "\(reply.text)")
            // The head is the last event's MAC as listed.
            let last = try await cp.send(.get, "/v1/orgs/acme/audit?limit=1")
            #expect((last.json["events"] as? [[String: Any]])?.first?["hash"] as? String == mac)
            #expect(try await verify(cp, "?expect_head=\(seq):\(mac)").json["verified"] as? Bool == true)
            // A head pinned earlier still holds after more events.
            try await cp.makeOS("staging")
            #expect(try await verify(cp, "?expect_head=\(seq):\(mac)").json["verified"] as? Bool == true)
            for bad in ["x", "3", "0:\(mac)", "3:ABC", "3:\(mac.uppercased())", "-1:\(mac)"] {
                let refused = try await verify(cp, "?expect_head=\(bad)")
                #expect(refused.status == 400 && refused.text.contains("expect_head must be seq:mac"), "\(bad): \(refused.text)")
            }
        }
    }

    @Test func anEditedRowFailsEvenWithItsUnkeyedDigestRecomputed() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let org = try await setUp(cp)
            try await sql(cp, "UPDATE audit_events SET target = 'os:evil' WHERE org_id = '\(org)' AND seq = 2")
            var reply = try await verify(cp)
            #expect(reply.json["verified"] as? Bool == false && (reply.json["broken_at"] as? [String: Any])?["seq"] as? Int == 2)
            #expect((reply.json["reason"] as? String)?.contains("does not match its MAC") == true, "\(reply.text)")
            // A writer who recomputes the old SHA-256 link (or any digest without the key) gains nothing.
            let rows = try await cp.services.audit.store.chain(org: org)
            var forged = rows[1]
            forged.hash = LegacyChain.digest(forged)
            try await sql(cp, "UPDATE audit_events SET hash = '\(forged.hash)' WHERE org_id = '\(org)' AND seq = 2")
            try await sql(cp, "UPDATE audit_events SET prev_hash = '\(forged.hash)' WHERE org_id = '\(org)' AND seq = 3")
            reply = try await verify(cp)
            #expect((reply.json["broken_at"] as? [String: Any])?["seq"] as? Int == 2, "\(reply.text)")
        }
    }

    /// Someone holding the KEK re-seals one event so that it names another predecessor: its MAC
    /// holds, and so does the next event's, but the chain no longer links there.
    @Test func aResealedEventThatLinksElsewhereFails() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let org = try await setUp(cp)
            let keys = cp.services.audit.keys
            var third = try await cp.services.audit.store.chain(org: org)[2]
            third.prevHash = String(repeating: "0", count: 64)
            third.hash = AuditKeys.mac(third, org: org, key: keys.current.key)
            try await sql(
                cp,
                "UPDATE audit_events SET prev_hash = '\(third.prevHash)', hash = '\(third.hash)' WHERE org_id = '\(org)' AND seq = 3"
            )
            let reply = try await verify(cp)
            #expect(
                reply.json["verified"] as? Bool == false && (reply.json["broken_at"] as? [String: Any])?["seq"] as? Int == 3,
                "\(reply.text)"
            )
            #expect((reply.json["reason"] as? String)?.contains("does not link to the event before it") == true, "\(reply.text)")
        }
    }

    @Test func aRowDeletedInTheMiddleFails() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let org = try await setUp(cp)
            try await sql(cp, "DELETE FROM audit_events WHERE org_id = '\(org)' AND seq = 3")
            let reply = try await verify(cp)
            #expect(reply.json["verified"] as? Bool == false, "\(reply.text)")
            #expect(reply.json["reason"] as? String == "event 3 is missing (the next is 4)", "\(reply.text)")
            // Renumbering the rest to close the gap breaks the MACs (the sequence number is in them).
            try await sql(cp, "UPDATE audit_events SET seq = seq - 1 WHERE org_id = '\(org)' AND seq > 3")
            let renumbered = try await verify(cp)
            #expect((renumbered.json["broken_at"] as? [String: Any])?["seq"] as? Int == 3, "\(renumbered.text)")
        }
    }

    @Test func reorderedRowsFail() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let org = try await setUp(cp)
            try await sql(cp, "UPDATE audit_events SET seq = -1 WHERE org_id = '\(org)' AND seq = 2")
            try await sql(cp, "UPDATE audit_events SET seq = 2 WHERE org_id = '\(org)' AND seq = 3")
            try await sql(cp, "UPDATE audit_events SET seq = 3 WHERE org_id = '\(org)' AND seq = -1")
            let reply = try await verify(cp)
            #expect(reply.json["verified"] as? Bool == false && (reply.json["broken_at"] as? [String: Any])?["seq"] as? Int == 2)
        }
    }

    @Test func aChainMovedToAnotherOrganisationFails() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let acme = try await setUp(cp)
            try await cp.makeOrg("globex")
            let globex = try await cp.services.organizations.find(slug: "globex").id
            // globex's whole chain replaced by acme's rows: intact links, wrong organisation in every MAC.
            try await sql(cp, "DELETE FROM audit_events WHERE org_id = '\(globex)'")
            try await sql(cp, "UPDATE audit_events SET org_id = '\(globex)' WHERE org_id = '\(acme)'")
            let reply = try await cp.send(.get, "/v1/orgs/globex/audit/verify")
            #expect(reply.json["verified"] as? Bool == false && (reply.json["broken_at"] as? [String: Any])?["seq"] as? Int == 1)
        }
    }

    @Test func aCutTailFailsAgainstThePinnedHead() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let org = try await setUp(cp)
            let head = try #require(try await verify(cp).json["head"] as? [String: Any])
            let (seq, mac) = (try #require(head["seq"] as? Int), try #require(head["mac"] as? String))
            try await sql(cp, "DELETE FROM audit_events WHERE org_id = '\(org)' AND seq >= \(seq - 1)")
            // Without a pin a shorter chain is all there is to see; with it, the cut shows.
            #expect(try await verify(cp).json["verified"] as? Bool == true)
            let pinned = try await verify(cp, "?expect_head=\(seq):\(mac)")
            #expect(pinned.status == 200 && pinned.json["verified"] as? Bool == false, "\(pinned.text)")
            #expect((pinned.json["reason"] as? String)?.contains("past the chain's end (\(seq - 2))") == true, "\(pinned.text)")
            // Nor can the tail be rebuilt: a new event at the same seq has a different MAC.
            try await cp.makeOS("staging")
            try await cp.makeOS("dev")
            let rebuilt = try await verify(cp, "?expect_head=\(seq):\(mac)")
            #expect((rebuilt.json["reason"] as? String)?.contains("no longer has the pinned MAC") == true, "\(rebuilt.text)")
        }
    }

    @Test func theKeyIsNotInTheDatabase() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            _ = try await setUp(cp)
            // The same database under another KEK: nothing verifies, so the database alone cannot forge.
            let other = ControlPlaneServices(
                client: cp.database,
                masterKeys: try MasterKeys(base64Keys: [MasterKeys.generate()]),
                logger: TestCluster.logger
            )
            let report = try await other.audit.verify(try await other.organizations.access(try await cp.superuserCaller(), org: "acme"))
            #expect(report.firstBroken?.seq == 1 && report.problem?.contains("which is not configured") == true, "\(report)")
        }
    }
}

/// The unkeyed SHA-256 chain of before migration 0007, re-implemented here from its description
/// (docs/decisions.md) rather than with the code under test.
enum LegacyChain {
    static func digest(_ record: AuditRecord) -> String {
        let at = Int64(record.at.timeIntervalSince1970)
        let details = record.details.keys.sorted().map { "\"\($0)\":\"\(record.details[$0]!)\"" }.joined(separator: ",")
        let json =
            "{\"action\":\"\(record.action)\",\"actor\":\"\(record.actor)\",\"at\":\(at),\"details\":{\(details)},\"seq\":\(record.seq),\"target\":\"\(record.target)\"}"
        return SHA256.hash(data: Data((record.prevHash + json).utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension ControlPlaneHarness {
    func superuserCaller() async throws -> Caller { try await services.authentication.authenticate(bearer: adminKey) }
}
