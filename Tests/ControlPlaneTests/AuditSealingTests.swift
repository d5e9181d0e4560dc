import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// Chains written before the keyed MAC (migration 0007) are verified once and re-sealed at
/// start-up; events of no organisation go to the system chain.
@Suite("Audit: re-sealing unkeyed chains; the system chain")
struct AuditSealingTests {
    /// Rewrites `org`'s chain into the unkeyed form of before 0007, as an upgraded database has it.
    func makeUnkeyed(_ cp: ControlPlaneHarness, org: UUID) async throws {
        var prev = String(repeating: "0", count: 64)
        for var record in try await cp.services.audit.store.chain(org: org) {
            record.prevHash = prev
            record.hash = LegacyChain.digest(record)
            try await cp.database.query(
                """
                UPDATE audit_events SET prev_hash = \(record.prevHash), hash = \(record.hash), mac_key = NULL
                WHERE org_id = \(org) AND seq = \(record.seq)
                """,
                logger: TestCluster.logger
            )
            prev = record.hash
        }
    }

    @Test func anIntactUnkeyedChainIsResealedAndABrokenOneIsNot() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            try await cp.makeOrg("globex")
            let acme = try await cp.services.organizations.find(slug: "acme").id
            let globex = try await cp.services.organizations.find(slug: "globex").id
            try await makeUnkeyed(cp, org: acme)
            try await makeUnkeyed(cp, org: globex)
            let events = try await cp.services.audit.store.chain(org: acme).count
            // Before sealing, an unkeyed chain does not pass as keyed.
            let unsealed = try await cp.send(.get, "/v1/orgs/acme/audit/verify")
            #expect(unsealed.json["verified"] as? Bool == false && (unsealed.json["reason"] as? String)?.contains("unkeyed") == true)
            // globex was edited while unkeyed (anyone could have): it must not be blessed.
            try await cp.database.query(
                "UPDATE audit_events SET actor = 'someone-else' WHERE org_id = \(globex) AND seq = 1",
                logger: TestCluster.logger
            )
            let report = try await cp.services.audit.sealUnkeyedChains(at: cp.clock.now())
            #expect(report.sealed == [acme] && report.refused == [globex], "\(report)")
            let sealed = try await cp.send(.get, "/v1/orgs/acme/audit/verify")
            #expect(sealed.json["verified"] as? Bool == true && sealed.json["events"] as? Int == events + 1, "\(sealed.text)")
            let last = try await cp.send(.get, "/v1/orgs/acme/audit?limit=1")
            let resealed = try #require((last.json["events"] as? [[String: Any]])?.first)
            #expect(resealed["action"] as? String == "audit.resealed" && resealed["actor"] as? String == "system")
            #expect((resealed["details"] as? [String: String])?["events"] == "\(events)")
            let broken = try await cp.send(.get, "/v1/orgs/globex/audit/verify")
            #expect(broken.json["verified"] as? Bool == false && (broken.json["broken_at"] as? [String: Any])?["seq"] as? Int == 1)
            // Idempotent: the next start seals nothing new and leaves globex as it is.
            let again = try await cp.services.audit.sealUnkeyedChains(at: cp.clock.now())
            #expect(again.sealed.isEmpty && again.refused == [globex])
            // Events appended after sealing extend the keyed chain.
            try await cp.makeOS("staging")
            #expect(try await cp.send(.get, "/v1/orgs/acme/audit/verify").json["verified"] as? Bool == true)
        }
    }

    @Test func eventsOfNoOrganisationGoToTheSystemChain() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("dana@acme.test", role: "admin", password: "correct horse battery")
            let session = try await cp.session("dana@acme.test", "correct horse battery")
            let key = try await cp.send(.post, "/v1/api-keys", json: ["name": "laptop"], key: .some(session))
            let keyID = try #require(key.json["id"] as? String)
            #expect(try await cp.send(.delete, "/v1/api-keys/\(keyID)", key: .some(session)).status == 204)
            let admin = try await cp.send(.post, "/v1/admin/keys", json: ["name": "ops", "expires_in_days": 30])
            let adminID = try #require(admin.json["id"] as? String)
            #expect(try await cp.send(.delete, "/v1/admin/keys/\(adminID)").status == 204)
            _ = try await cp.enrolTOTP(key: session)
            let listed = try await cp.send(.get, "/v1/audit?limit=100")
            let events = (listed.json["events"] as? [[String: Any]] ?? []).reversed()
            // The harness's own bootstrap key first (created on the database: actor `system`).
            #expect(
                events.map { $0["action"] as? String ?? "" } == [
                    "superuser_key.created", "api_key.created", "api_key.revoked", "superuser_key.created", "superuser_key.revoked",
                    "mfa.enrolled",
                ],
                "\(listed.text)"
            )
            #expect(events.first?["actor"] as? String == "system")
            #expect(events.dropFirst().first?["target"] as? String == "api_key:\(keyID)")
            // The keys' listing prefix, never the secrets.
            for secret in [key.json["key"] as? String, admin.json["key"] as? String] {
                let text = try #require(secret)
                #expect(text.count > 20 && !listed.text.contains(text))
            }
            let verified = try await cp.send(.get, "/v1/audit/verify")
            #expect(verified.json["verified"] as? Bool == true && verified.json["events"] as? Int == 6, "\(verified.text)")
            // The superuser key only.
            for path in ["/v1/audit", "/v1/audit/verify"] {
                try await cp.expectRefused(.get, path, key: .some(session), status: 403, message: "only a superuser key")
            }
            // The organisation's chain has the MFA change too (its admins answer for their members).
            #expect(try await cp.auditActions().contains("mfa.enrolled"))
        }
    }
}
