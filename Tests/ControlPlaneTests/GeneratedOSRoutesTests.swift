import Foundation
import HTTPTypes
import Testing

@testable import ControlPlaneHTTP

/// The OS registry and its keys, served by the generated protocol, answer as their hand-written
/// routes did: the API's message for an unknown algorithm, `rotation_period` always present
/// (`null` without a schedule), absent and `null` told apart in an update, and the optional
/// bodies that may be left out.
@Suite("Generated routes: OS registry and keys")
struct GeneratedOSRoutesTests {
    static func message(_ reply: ControlPlaneHarness.Reply) -> String {
        (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    @Test func registeringAnswersAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let refusals: [([String: Any], String)] = [
                (["id": "a", "name": "A", "algorithm": "HS256"], "unknown algorithm 'HS256'; allowed: RS256, ES256, EdDSA"),
                (["id": "a", "name": "A", "algorithm": 7], "invalid JSON body: field 'algorithm' has the wrong type"),
                (["id": "a", "name": "A", "rotation_period": "daily"], "invalid JSON body: field 'rotation_period' has the wrong type"),
                (["name": "A"], "invalid JSON body: missing field 'id'"),
            ]
            for (body, expected) in refusals {
                let reply = try await cp.send(.post, "/v1/orgs/acme/os", json: body)
                #expect(reply.status == 400 && Self.message(reply) == expected, "\(body): \(reply.text)")
            }
            #expect((try await cp.send(.get, "/v1/orgs/acme/os").json["os"] as? [Any])?.isEmpty == true)
            let registered = try await cp.send(
                .post,
                "/v1/orgs/acme/os",
                json: ["id": "prod", "name": "Prod", "algorithm": "ES256", "verifier": "agentos-auth"]
            )
            #expect(registered.status == 201 && Set(registered.json.keys) == ["os", "signing_key", "env"], "\(registered.text)")
            #expect(registered.text.contains(#""rotation_period":null"#), "always present: \(registered.text)")
            let env = registered.json["env"] as? [String: Any] ?? [:]
            #expect(Set(env.keys) == ["AGENT_OS_ID", "JWT_VERIFICATION_KEY"] && env["AGENT_OS_ID"] as? String == "prod")
            let key = registered.json["signing_key"] as? [String: Any] ?? [:]
            #expect(
                Set(key.keys) == ["kid", "alg", "public_key_pem", "jwk"] && key["alg"] as? String == "ES256"
                    && key["jwk"] is [String: String]
            )
            let os = registered.json["os"] as? [String: Any] ?? [:]
            #expect(
                Set(os.keys) == ["id", "name", "authorization", "roles_claim", "rotation_period", "verifier", "created_at", "updated_at"],
                "\(os)"
            )
            let withNull = try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "dev", "name": "Dev", "rotation_period": NSNull()])
            #expect(withNull.status == 201 && withNull.text.contains(#""rotation_period":null"#), "\(withNull.text)")
            let list = try await cp.send(.get, "/v1/orgs/acme/os")
            #expect(list.status == 200 && list.text.components(separatedBy: #""rotation_period":null"#).count == 3, "\(list.text)")
        }
    }

    @Test func updatingTellsAbsentFromNull() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS(algorithm: "ES256")  // this project's verifier: a schedule is allowed
            let set = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["rotation_period": 7200])
            #expect(set.status == 200 && set.json["rotation_period"] as? Int == 7200, "\(set.text)")
            let renamed = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["name": "Production", "url": "https://os.acme.test"])
            #expect(renamed.json["rotation_period"] as? Int == 7200 && renamed.json["url"] as? String == "https://os.acme.test")
            let cleared = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["rotation_period": NSNull()])
            #expect(cleared.status == 200 && cleared.text.contains(#""rotation_period":null"#), "\(cleared.text)")
            let wrongType = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["roles_claim": "yes"])
            #expect(Self.message(wrongType) == "invalid JSON body: field 'roles_claim' has the wrong type", "\(wrongType.text)")
            let fetched = try await cp.send(.get, "/v1/orgs/acme/os/prod")
            #expect(fetched.json["name"] as? String == "Production" && fetched.text.contains(#""rotation_period":null"#))
            #expect(try await cp.send(.delete, "/v1/orgs/acme/os/prod").status == 204)
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/prod", status: 404, message: "prod")
        }
    }

    @Test func keysAnswerAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            // A body may be left out, whatever its Content-Type; one that is there must be JSON.
            let pending = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", raw: "", contentType: "text/plain")
            #expect(pending.status == 201 && pending.json["state"] as? String == "pending" && pending.json["alg"] as? String == "RS256")
            #expect(Set(pending.json.keys) == ["kid", "alg", "state", "created_at"], "\(pending.text)")
            let emptyJSON = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", raw: "", contentType: "application/json")
            #expect(emptyJSON.status == 201 && emptyJSON.json["state"] as? String == "pending", "\(emptyJSON.text)")
            let plain = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", raw: "activate", contentType: "text/plain")
            #expect(plain.status == 415 && plain.errorCode == "unsupported_media_type", "\(plain.text)")
            let unknown = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["algorithm": "none"])
            #expect(Self.message(unknown) == "unknown algorithm 'none'; allowed: RS256, ES256, EdDSA", "\(unknown.text)")
            let kid = try #require(pending.json["kid"] as? String)
            let activated = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/activate")
            #expect(activated.status == 200 && activated.json["state"] as? String == "active" && activated.json["activated_at"] is String)
            let keys = try await cp.send(.get, "/v1/orgs/acme/os/prod/keys")
            let states = (keys.json["keys"] as? [[String: Any]])?.compactMap { $0["state"] as? String }.sorted()
            #expect(states == ["active", "pending", "retiring"], "\(keys.text)")
            let revoked = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/revoke")
            #expect(revoked.status == 200 && revoked.json["state"] as? String == "revoked", "\(revoked.text)")
            try await cp.expectRefused(.post, "/v1/orgs/acme/os/prod/keys/nope/activate", status: 404, message: "nope")
            let security = try await cp.send(.post, "/v1/orgs/acme/os/prod/security-key")
            #expect(security.status == 201 && Set(security.json.keys) == ["security_key"], "\(security.text)")
            #expect(security.headers[.cacheControl] == "no-store" && security.headers[HTTPField.Name("Pragma")!] == nil)
        }
    }
}
