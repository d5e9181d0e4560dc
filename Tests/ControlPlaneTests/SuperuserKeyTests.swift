import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// A leaked superuser key must not be a root nobody can take back: superuser keys are named,
/// expiring, listable and revocable.
@Suite("Superuser keys")
struct SuperuserKeyTests {
    @Test func superuserKeysAreListedExpiredAndRevoked() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let created = try await cp.send(.post, "/v1/admin/keys", json: ["name": "ops laptop", "expires_in_days": 1])
            #expect(created.status == 201 && created.headers[.cacheControl] == "no-store", "\(created.text)")
            let second = try #require(created.json["key"] as? String)
            let secondID = try #require(created.json["id"] as? String)
            #expect(try await cp.send(.get, "/v1/orgs", key: .some(second)).status == 200)
            let listed = try await cp.send(.get, "/v1/admin/keys", key: .some(second))
            let keys = listed.json["keys"] as? [[String: Any]] ?? []
            #expect(keys.compactMap { $0["name"] as? String } == ["test admin", "ops laptop"])
            #expect(!listed.text.contains(second) && !listed.text.contains(cp.adminKey))
            // Expiry ends it.
            cp.clock.advance(86_401)
            try await cp.expectRefused(.get, "/v1/orgs", key: .some(second), status: 401)
            cp.clock.advance(-86_401)
            // The last live key cannot go while no organisation has an owner.
            let bootstrapID = try #require(keys.first?["id"] as? String)
            #expect(try await cp.send(.delete, "/v1/admin/keys/\(secondID)").status == 204)
            try await cp.expectRefused(.get, "/v1/orgs", key: .some(second), status: 401)
            try await cp.expectRefused(.delete, "/v1/admin/keys/\(bootstrapID)", status: 409, message: "owner")
            // Once an owner exists, the leaked bootstrap key is revoked with a new one and gets 401.
            try await cp.makeOrg()
            try await cp.addMember("owner@acme.test", role: "owner")
            let fresh = try #require(try await cp.send(.post, "/v1/admin/keys", json: ["name": "new"]).json["key"] as? String)
            // Users cannot manage them; bad input.
            let owner = try await cp.apiKey(forUser: try await cp.addMember("u@acme.test"))
            try await cp.expectRefused(.get, "/v1/admin/keys", key: .some(owner), status: 403, message: "only a superuser key")
            try await cp.expectRefused(
                .post,
                "/v1/admin/keys",
                json: ["name": "x"],
                key: .some(owner),
                status: 403,
                message: "only a superuser key"
            )
            let never = ["name": "x", "expires_in_days": 0] as [String: Any]
            try await cp.expectRefused(.post, "/v1/admin/keys", json: never, key: .some(fresh), status: 400, message: "expires_in_days")
            try await cp.expectRefused(.delete, "/v1/admin/keys/not-a-uuid", key: .some(fresh), status: 400, message: "must be a UUID")
            #expect(try await cp.send(.delete, "/v1/admin/keys/\(bootstrapID)", key: .some(fresh)).status == 204)
            try await cp.expectRefused(.get, "/v1/orgs", status: 401)
            try await cp.expectRefused(
                .delete,
                "/v1/admin/keys/\(bootstrapID)",
                key: .some(fresh),
                status: 404,
                message: bootstrapID.lowercased()
            )
        }
    }
}
