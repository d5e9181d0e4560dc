import AgentOSAuth
import Crypto
import Foundation
import HTTPTypes
import JWTKit
import PostgresNIO
import Testing

@testable import ControlPlane

/// Key custody and what is stored: private keys only sealed, secrets only hashed, the audit chain
/// tamper-evident, and re-sealing under a new KEK from the command line.
@Suite("Key custody and stored secrets")
struct KeyCustodyTests {

    @Test func auditChainDetectsAnEditedRow() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": true])
            try await cp.send(.post, "/v1/orgs/acme/os/prod/security-key")
            let org = try await cp.services.organizations.find(slug: "acme")
            let audit = try await cp.send(.get, "/v1/orgs/acme/audit?limit=100")
            let actions = (audit.json["events"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.first == "security_key.rotated")
            #expect(Set(actions).isSuperset(of: ["org.created", "os.registered", "key.created", "key.activated", "key.retiring"]))
            #expect(!audit.text.contains("osk_"), "the security key must not be in the audit trail")
            #expect(try await cp.services.audit.verify(try await cp.superuserAccess()).firstBroken == nil)
            try await cp.database.query(
                "UPDATE audit_events SET target = 'os:evil' WHERE org_id = \(org.id) AND seq = 3",
                logger: TestCluster.logger
            )
            let broken = try await cp.services.audit.verify(try await cp.superuserAccess()).firstBroken
            #expect(broken?.seq == 3)
        }
    }

    @Test func securityKeyIsShownOnceAndStoredHashed() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            let first = try await cp.send(.post, "/v1/orgs/acme/os/prod/security-key")
            let key = try #require(first.json["security_key"] as? String)
            #expect(first.status == 201 && key.count >= 43)
            let second = try await cp.send(.post, "/v1/orgs/acme/os/prod/security-key")
            #expect(second.json["security_key"] as? String != key)
            let rows = try await cp.database.query("SELECT key_hash FROM os_security_keys", logger: TestCluster.logger)
            // Exactly one row (the second key replaced the first), holding only its hash.
            let hashes = try await rows.decode(Data.self).collect()
            let current = try #require(second.json["security_key"] as? String)
            #expect(hashes == [Data(SHA256.hash(data: Data(current.utf8)))])
        }
    }

    @Test func rewrapMovesEveryKeyToTheFirstKEK() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(
                .post,
                "/v1/orgs/acme/os",
                json: ["id": "prod", "name": "Prod", "algorithm": "ES256", "verifier": "agentos-auth"]
            )
            let newKEK = MasterKeys.generate()
            let both = ControlPlaneServices(
                client: cp.database,
                masterKeys: try MasterKeys(base64Keys: [newKEK] + [ControlPlaneHarness.masterKeyBase64]),
                logger: TestCluster.logger
            )
            #expect(try await both.signingKeys.rewrapAll() == 1)
            #expect(try await both.signingKeys.rewrapAll() == 0)
            let onlyNew = ControlPlaneServices(
                client: cp.database,
                masterKeys: try MasterKeys(base64Keys: [newKEK]),
                logger: TestCluster.logger
            )
            let claims = AccessTokenClaims(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: [])
            #expect(try await onlyNew.signingKeys.sign(claims, org: "acme", os: "prod").algorithm == .es256)
            // The old KEK alone can no longer open it.
            let onlyOld = ControlPlaneServices(
                client: cp.database,
                masterKeys: ControlPlaneHarness.masterKeys,
                logger: TestCluster.logger
            )
            await #expect(throws: ControlPlaneError.self) { try await onlyOld.signingKeys.sign(claims, org: "acme", os: "prod") }
        }
    }
}
