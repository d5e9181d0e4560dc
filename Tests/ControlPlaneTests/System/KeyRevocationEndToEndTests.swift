import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import ControlPlane

extension SystemTests {
    /// The control plane revokes an OS's only key; a separately started demo-os on `JWT_JWKS_URL`
    /// refuses its tokens within max-age + refetch interval, because the JWKS then answers
    /// `{"keys": []}` (an authoritative empty set) rather than 404.
    @Suite("Revoking the only key ends its tokens on a JWKS-URL demo-os (control plane)")
    struct KeyRevocationEndToEndTests {
        @Test func revokedOnlyKey() async throws {
            var settings = ControlPlaneHarness.settings
            settings.jwksMaxAge = 1
            try await ControlPlaneHarness.run(live: true, settings: settings) { (cp: ControlPlaneHarness) async throws in
                try await cp.makeOrg()
                try await cp.makeOS(algorithm: "ES256")
                let alice = try await cp.addMember("alice@acme.test")
                try await cp.bind(["user": alice], role: "os-viewer")
                let reply = try await cp.token(["subject": alice])
                let token = try #require(reply.json["access_token"] as? String)
                let kid = try #require(reply.json["kid"] as? String)
                let port = try #require(cp.client.port)
                try await ServerProcess.withServer(environment: [
                    "JWT_JWKS_URL": "http://127.0.0.1:\(port)/v1/orgs/acme/os/prod/jwks.json",
                    "AGENT_OS_ID": "prod",
                    "JWT_JWKS_REFETCH_INTERVAL": "1",
                ]) { os in
                    #expect(try await os.send("GET", "/agents", token: token).status == 200)

                    #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/revoke").status == 200)
                    let start = ContinuousClock.now
                    var last = try await os.send("GET", "/agents", token: token)
                    // max-age 1 s + refetch interval 1 s is the bound; 3 s of slack for a loaded machine.
                    while last.status == 200, ContinuousClock.now - start < .seconds(5) {
                        try await Task.sleep(for: .milliseconds(100))
                        last = try await os.send("GET", "/agents", token: token)
                    }
                    #expect(last.status == 401 && last.text.contains("No verification keys configured"), "\(last.text)")
                    #expect(ContinuousClock.now - start <= .seconds(5))
                }
            }
        }
    }
}
