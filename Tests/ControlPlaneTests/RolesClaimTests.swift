import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// Agno 3.1.10 managed roles: per OS, tokens can carry the subject's OS role slugs as `roles`
/// (off by default), for an AgentOS that reads roles from `roles_claim`.
@Suite("The roles claim (per-OS switch)")
struct RolesClaimTests {
    @Test func offByDefaultOnWhenTheOSAsks() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS(algorithm: "ES256")
            try await cp.makeOS("staging", algorithm: "ES256")
            let alice = try await cp.addMember("alice@acme.test")
            try await cp.bind(["user": alice], role: "os-viewer")
            try await cp.bind(["user": alice], role: "os-member", os: "prod")
            try await cp.bind(["user": alice], role: "os-admin", os: "staging")
            let off = try #require(try await cp.token(["subject": alice]).json["access_token"] as? String)
            #expect(jwtPayload(off)["roles"] == nil)
            #expect(try await cp.send(.get, "/v1/orgs/acme/os/prod").json["roles_claim"] as? Bool == false)

            let patched = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["roles_claim": true])
            #expect(patched.status == 200 && patched.json["roles_claim"] as? Bool == true, "\(patched.text)")
            let on = try #require(try await cp.token(["subject": alice]).json["access_token"] as? String)
            // Org-wide and this OS's bindings, sorted; not staging's.
            #expect(jwtPayload(on)["roles"] as? [String] == ["os-member", "os-viewer"])
            let staging = try #require(try await cp.token(["subject": alice], os: "staging").json["access_token"] as? String)
            #expect(jwtPayload(staging)["roles"] == nil, "the switch is per OS")

            // A subject with grants only gets an empty list, not a missing claim.
            let bob = try await cp.addMember("bob@acme.test")
            try await cp.grant(["user": bob], "agents:web-agent:run")
            let bobs = try #require(try await cp.token(["subject": bob]).json["access_token"] as? String)
            #expect(jwtPayload(bobs)["roles"] as? [String] == [])
        }
    }
}
