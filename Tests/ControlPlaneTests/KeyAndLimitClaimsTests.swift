import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// Documented key-state, throttling, body-limit and start-up claims that no other test covered.
@Suite("Documented claims: keys, limits, start-up")
struct KeyAndLimitClaimsTests {
    func keys(_ cp: ControlPlaneHarness) async throws -> [(kid: String, state: String)] {
        let rows = try await cp.send(.get, "/v1/orgs/acme/os/prod/keys").json["keys"] as? [[String: Any]] ?? []
        return rows.map { ($0["kid"] as? String ?? "", $0["state"] as? String ?? "") }
    }

    @Test func concurrentRotationsLeaveExactlyOneActiveKey() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let reply = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": true])
                        return "\(reply.status) \(reply.errorCode ?? "")"
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0 == "201 " || $0 == "409 conflict" } && answers.contains("201 "), "\(answers)")
            let states = try await keys(cp)
            #expect(states.filter { $0.state == "active" }.count == 1, "\(states)")
            #expect(states.count == 1 + answers.filter { $0 == "201 " }.count)
            // Tokens are signed by that one key.
            try await cp.bind(["user": try await cp.addMember("jo@acme.test")], role: "os-viewer")
            let token = try await cp.token(["subject": "jo@acme.test"])
            #expect(token.json["kid"] as? String == states.first { $0.state == "active" }?.kid)
        }
    }

    @Test func revokingAPendingKeyLeavesTheActiveOne() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let active = try #require(try await keys(cp).first?.kid)
            let pending = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: [:] as [String: Any])
            #expect(pending.status == 201 && pending.json["state"] as? String == "pending", "\(pending.text)")
            let kid = try #require(pending.json["kid"] as? String)
            let jwksBefore = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil)).text
            #expect(jwksBefore.contains(kid), "a pending key is published ahead of its activation")
            let revoked = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/revoke")
            #expect(revoked.status == 200 && revoked.json["state"] as? String == "revoked", "\(revoked.text)")
            let after = try await keys(cp)
            #expect(after.first { $0.kid == kid }?.state == "revoked" && after.first { $0.kid == active }?.state == "active")
            let jwks = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil)).text
            #expect(!jwks.contains(kid) && jwks.contains(active))
            // A revoked key cannot come back.
            try await cp.expectRefused(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/activate", status: 409, message: "revoked")
        }
    }

    /// The throttle keys on the TCP peer: rotating `X-Forwarded-For` does not buy more attempts.
    @Test func forwardedForIsNotTrustedBySignInThrottling() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            var statuses: [Int] = []
            for attempt in 0..<11 {
                let reply = try await cp.send(
                    .post,
                    "/v1/auth/login",
                    json: ["email": "nobody\(attempt)@acme.test", "password": "wrong password here"],
                    key: .some(nil),
                    headers: [HTTPField.Name("X-Forwarded-For")!: "203.0.113.\(attempt)"]
                )
                statuses.append(reply.status)
                if attempt == 10 { #expect(reply.headers[.retryAfter] != nil) }
            }
            #expect(statuses == Array(repeating: 401, count: 10) + [429], "\(statuses)")
        }
    }

    @Test func oauthTokenBodyOver64KiBIsRefused() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let account = try await cp.serviceAccount("bot")
            try await cp.bind(["service_account": account.id], role: "os-viewer")
            let form = "grant_type=client_credentials&audience=acme/prod&client_id=\(account.clientID)&client_secret=\(account.secret)"
            #expect(try await cp.send(.post, "/oauth/token", form: form, key: .some(nil)).status == 200)
            let padded = form + "&pad=" + String(repeating: "x", count: 64 * 1024)
            let reply = try await cp.send(.post, "/oauth/token", form: padded, key: .some(nil))
            #expect(reply.status == 400 && reply.json["error"] as? String == "invalid_request", "\(reply.text.prefix(300))")
            #expect((reply.json["error_description"] as? String)?.contains("64 KiB") == true)
        }
    }
}
