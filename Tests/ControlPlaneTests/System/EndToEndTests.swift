import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ControlPlane

extension SystemTests {
    /// The whole loop over real sockets: control plane → grants → token → a separately started
    /// `demo-os` that holds only the public key (or the JWKS URL) and the OS id.
    @Suite("End to end with demo-os")
    struct EndToEndTests {
        /// alice: os-viewer org-wide and agents:web-agent:run on prod; returns her id and API key.
        func setUpAlice(_ cp: ControlPlaneHarness) async throws -> (id: String, key: String) {
            try await cp.makeOrg()
            try await cp.makeOS()
            let id = try await cp.addMember("alice@acme.test")
            try await cp.bind(["user": "alice@acme.test"], role: "os-viewer")
            try await cp.grant(["user": id], "agents:web-agent:run")
            return (id, try await cp.apiKey(forUser: id))
        }

        func token(_ cp: ControlPlaneHarness, key: String) async throws -> (token: String, kid: String) {
            let reply = try await cp.token([:], key: key)
            #expect(reply.status == 201, "\(reply.text)")
            return (reply.json["access_token"] as? String ?? "", reply.json["kid"] as? String ?? "")
        }

        @Test func aliceRunsOnlyWebAgentWithThePublishedPEM() async throws {
            try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
                let alice = try await setUpAlice(cp)
                let published = try await cp.send(.get, "/v1/orgs/acme/os/prod/public-key", key: .some(nil))
                #expect(published.status == 200)
                try await ServerProcess.withServer(environment: ["JWT_VERIFICATION_KEY": published.text, "AGENT_OS_ID": "prod"]) { os in
                    let (token, _) = try await token(cp, key: alice.key)

                    let agents = try await os.send("GET", "/agents", token: token)
                    #expect(agents.status == 200)
                    #expect(Set(agents.list.compactMap { $0["id"] as? String }) == ["web-agent", "finance-agent"], "\(agents.text)")
                    #expect(try await os.send("GET", "/agents/web-agent", token: token).status == 200)
                    #expect(try await os.send("GET", "/agents/finance-agent", token: token).status == 200)

                    let run = try await os.send(
                        "POST",
                        "/agents/web-agent/runs",
                        token: token,
                        json: ["message": "hello", "user_id": "mallory"]
                    )
                    #expect(run.status == 200, "\(run.text)")
                    #expect(run.json["user_id"] as? String == alice.id && run.json["content"] as? String == "echo: hello")
                    let runs = try await os.send("GET", "/agents/web-agent/runs", token: token)
                    #expect(runs.status == 200 && runs.text.contains(alice.id), "\(runs.text)")

                    let denied = try await os.send("POST", "/agents/finance-agent/runs", token: token, json: ["message": "pay me"])
                    #expect(denied.status == 403)
                    #expect(denied.json["detail"] as? String == "Insufficient permissions. Required scope(s): agents:run")
                    #expect(try await os.send("GET", "/agents", token: nil).status == 401)
                    #expect(try await os.send("GET", "/agents", token: token + "x").status == 401)

                    // A token for another OS id is refused by this OS (audience).
                    try await cp.makeOS("other")
                    try await cp.bind(["user": alice.id], role: "os-admin", os: "other")
                    let foreign = try #require(try await cp.token([:], os: "other", key: alice.key).json["access_token"] as? String)
                    #expect(try await os.send("GET", "/agents", token: foreign).status == 401)
                    // That one fails on its signature (another OS's key). The audience check itself: prod's
                    // own key, `aud` other (only a holder of prod's private key could make it).
                    let wrongAudience = try await cp.services.signingKeys.sign(
                        AccessTokenClaims(
                            issuer: "https://cp.test",
                            subject: alice.id,
                            audience: "other",
                            issuedAt: cp.clock.now(),
                            lifetime: 300,
                            scopes: ["agent_os:admin"]
                        ),
                        org: "acme",
                        os: "prod"
                    ).token
                    let refused = try await os.send("GET", "/agents", token: wrongAudience)
                    #expect(
                        refused.status == 401
                            && refused.json["detail"] as? String == "Invalid token audience - token not valid for this AgentOS instance"
                    )
                }
            }
        }

        @Test func jwksURLAcrossARotation() async throws {
            var settings = ControlPlaneHarness.settings
            settings.jwksMaxAge = 1
            try await ControlPlaneHarness.run(live: true, settings: settings) { (cp: ControlPlaneHarness) async throws in
                let alice = try await setUpAlice(cp)
                let port = try #require(cp.client.port)
                try await ServerProcess.withServer(environment: [
                    "JWT_JWKS_URL": "http://127.0.0.1:\(port)/v1/orgs/acme/os/prod/jwks.json",
                    "AGENT_OS_ID": "prod",
                    "JWT_JWKS_REFETCH_INTERVAL": "0",
                ]) { os in
                    let before = try await token(cp, key: alice.key)
                    #expect(try await os.send("POST", "/agents/web-agent/runs", token: before.token, json: ["message": "1"]).status == 200)

                    // Rotate: the new active key signs new tokens; the OS learns it from the JWKS.
                    let rotated = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": true])
                    #expect(rotated.status == 201, "\(rotated.text)")
                    let after = try await token(cp, key: alice.key)
                    #expect(after.kid != before.kid && after.kid == rotated.json["kid"] as? String)
                    #expect(try await os.send("POST", "/agents/web-agent/runs", token: after.token, json: ["message": "2"]).status == 200)
                    #expect(
                        try await os.send("POST", "/agents/finance-agent/runs", token: after.token, json: ["message": "2"]).status == 403
                    )
                    // The old key is retiring, still published: tokens signed before the rotation pass.
                    try await Task.sleep(for: .milliseconds(1100))
                    #expect(try await os.send("POST", "/agents/web-agent/runs", token: before.token, json: ["message": "3"]).status == 200)

                    // Revoked: gone from the JWKS, and once the OS's copy is stale (max-age 1 s) → 401.
                    #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(before.kid)/revoke").status == 200)
                    try await Task.sleep(for: .milliseconds(1100))
                    let revoked = try await os.send("POST", "/agents/web-agent/runs", token: before.token, json: ["message": "4"])
                    #expect(revoked.status == 401, "\(revoked.text)")
                    #expect(try await os.send("POST", "/agents/web-agent/runs", token: after.token, json: ["message": "5"]).status == 200)
                }
            }
        }
    }
}
