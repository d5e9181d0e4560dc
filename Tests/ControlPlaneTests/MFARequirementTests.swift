import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// An organisation that requires its admins and owners to use a second factor.
@Suite("Second factor: the organisation's requirement")
struct MFARequirementTests {
    @Test func unenrolledAdminsAreRefusedUntilTheyEnrol() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let dana = try await cp.addMember("dana@acme.test", role: "admin", password: "dana's password 1")
            try await cp.addMember("erin@acme.test", role: "member", password: "erin's password 1")
            let danaSession = try await cp.session("dana@acme.test", "dana's password 1")
            let danaKey = try await cp.apiKey(forUser: dana)
            let erinSession = try await cp.session("erin@acme.test", "erin's password 1")
            let fresh = try await cp.send(.get, "/v1/orgs/acme")
            #expect(fresh.json["require_mfa"] as? Bool == false)
            // An admin without TOTP cannot turn it on (it would lock them out); a member may not at all.
            try await cp.expectRefused(
                .patch,
                "/v1/orgs/acme",
                json: ["require_mfa": true],
                key: .some(danaSession),
                status: 409,
                message: "turn on TOTP"
            )
            try await cp.expectRefused(
                .patch,
                "/v1/orgs/acme",
                json: ["require_mfa": true],
                key: .some(erinSession),
                status: 403,
                message: "needs admin"
            )
            for hostile: Any in [["require_mfa": "yes"], ["require_mfa": 1], ["require_mfa": NSNull()]] {
                let reply = try await cp.send(.patch, "/v1/orgs/acme", json: hostile)
                #expect(
                    (reply.status == 400 && reply.errorCode == "invalid_request")
                        || (reply.status == 200 && reply.json["require_mfa"] as? Bool == false),
                    "\(reply.text)"
                )
            }
            try await cp.expectRefused(.patch, "/v1/orgs/acme", raw: "{", status: 400, message: "JSON")
            #expect(try await cp.send(.get, "/v1/orgs/acme").json["require_mfa"] as? Bool == false)
            let on = try await cp.send(.patch, "/v1/orgs/acme", json: ["require_mfa": true])
            #expect(on.status == 200 && on.json["require_mfa"] as? Bool == true, "\(on.text)")
            #expect(try await cp.auditActions().last == "org.updated")
            // dana (admin, no TOTP): refused on the organisation's routes with either credential.
            for path in ["/v1/orgs/acme", "/v1/orgs/acme/members", "/v1/orgs/acme/audit"] {
                for key in [danaSession, danaKey] {
                    let refused = try await cp.send(.get, path, key: .some(key))
                    #expect(refused.status == 403 && refused.errorCode == "mfa_required", "\(path): \(refused.text)")
                }
            }
            // Token issuance reads the caller's standing in its own query: the same rule holds there.
            try await cp.makeOS()
            try await cp.bind(["user": dana], role: "os-admin")
            let token = try await cp.token(key: danaSession)
            #expect(token.status == 403 && token.errorCode == "mfa_required", "\(token.text)")
            // erin (member) is not concerned; dana still reaches her own account and the enrolment.
            #expect(try await cp.send(.get, "/v1/orgs/acme", key: .some(erinSession)).status == 200)
            #expect(try await cp.send(.get, "/v1/me", key: .some(danaSession)).status == 200)
            #expect(try await cp.send(.get, "/v1/orgs", key: .some(danaSession)).status == 200)
            _ = try await cp.enrolTOTP(key: danaSession)
            #expect(try await cp.send(.get, "/v1/orgs/acme/members", key: .some(danaSession)).status == 200)
            #expect(try await cp.send(.get, "/v1/orgs/acme", key: .some(danaKey)).status == 200)
            #expect(try await cp.token(key: danaSession).status == 201)
            // Now enrolled, dana may turn it off and on again.
            #expect(try await cp.send(.patch, "/v1/orgs/acme", json: ["require_mfa": false], key: .some(danaSession)).status == 200)
            #expect(try await cp.send(.patch, "/v1/orgs/acme", json: ["require_mfa": true], key: .some(danaSession)).status == 200)
            #expect(try await cp.auditActions().filter { $0 == "org.updated" }.count == 3)
        }
    }

    /// docs/access.md's property: an admin who resets a member's password still cannot sign in
    /// as them when they use TOTP — a reset never touches the second factor.
    @Test func aPasswordResetLeavesTheSecondFactor() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("dana@acme.test", role: "admin", password: "dana's password 1")
            try await cp.addMember("erin@acme.test", role: "member", password: "erin's password 1")
            let danaSession = try await cp.session("dana@acme.test", "dana's password 1")
            let erinSession = try await cp.session("erin@acme.test", "erin's password 1")
            _ = try await cp.enrolTOTP(key: erinSession)
            let reset = try await cp.send(.post, "/v1/orgs/acme/members/erin@acme.test/password-reset", key: .some(danaSession))
            #expect(reset.status == 201, "\(reset.text)")
            let code = try #require(reset.json["code"] as? String)
            let redeemed = try await cp.send(
                .post,
                "/v1/auth/password-reset",
                json: ["code": code, "password": "dana chose this"],
                key: .some(nil)
            )
            #expect(redeemed.status == 204)
            let attempt = try await cp.login("erin@acme.test", "dana chose this")
            #expect(attempt.status == 200 && attempt.json["mfa_required"] as? Bool == true && attempt.json["token"] == nil)
            #expect(try await cp.count("SELECT count(*)::int FROM user_totp WHERE confirmed_at IS NOT NULL") == 1)
        }
    }
}
