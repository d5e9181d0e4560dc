import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// Self-service credentials: password change with the current one, single-use reset codes that
/// only a superuser (or an admin of the account's only organisation) can issue, sessions.
@Suite("Accounts, password change and reset")
struct AccountTests {
    func login(_ cp: ControlPlaneHarness, _ email: String, _ password: String) async throws -> ControlPlaneHarness.Reply {
        try await cp.send(.post, "/v1/auth/login", json: ["email": email, "password": password], key: .some(nil))
    }

    func session(_ cp: ControlPlaneHarness, _ email: String, _ password: String) async throws -> String {
        try #require(try await login(cp, email, password).json["token"] as? String)
    }

    @Test func changePasswordNeedsTheCurrentOne() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("cy@acme.test", password: "cy's first password")
            let current = try await session(cp, "cy@acme.test", "cy's first password")
            let other = try await session(cp, "cy@acme.test", "cy's first password")
            let change = ["current_password": "cy's first password", "new_password": "cy's second password"]
            let wrong = ["current_password": "not it at all", "new_password": "cy's second password"]
            try await cp.expectRefused(.post, "/v1/me/password", json: wrong, key: .some(current), status: 403, message: "current password")
            let weak = ["current_password": "cy's first password", "new_password": "qwerty123"]
            try await cp.expectRefused(
                .post,
                "/v1/me/password",
                json: weak,
                key: .some(current),
                status: 400,
                message: "most common passwords"
            )
            // The superuser key has no password.
            try await cp.expectRefused(.post, "/v1/me/password", json: change, status: 400, message: "not a user's")
            let listed = try await cp.send(.get, "/v1/me/sessions", key: .some(current))
            // Two sign-ins and the session the accepted invitation opened.
            #expect((listed.json["sessions"] as? [[String: Any]])?.count == 3)
            #expect(try await cp.send(.post, "/v1/me/password", json: change, key: .some(current)).status == 204)
            // The other session ends, this one stays; the old password is dead.
            try await cp.expectRefused(.get, "/v1/me", key: .some(other), status: 401)
            #expect(try await cp.send(.get, "/v1/me", key: .some(current)).status == 200)
            try await cp.expectRefusal(401, message: "email or password") { try await login(cp, "cy@acme.test", "cy's first password") }
            let sessions = try await cp.send(.get, "/v1/me/sessions", key: .some(current))
            #expect((sessions.json["sessions"] as? [[String: Any]])?.count == 1)
            let only = try #require((sessions.json["sessions"] as? [[String: Any]])?.first)
            #expect(only["current"] as? Bool == true && !sessions.text.contains(current))
            let id = try #require(only["id"] as? String)
            #expect(try await cp.send(.delete, "/v1/me/sessions/\(id)", key: .some(current)).status == 204)
            try await cp.expectRefused(.get, "/v1/me", key: .some(current), status: 401)
        }
    }

    /// An API key made by whoever knew the old password must not outlive the change (it could
    /// later act in an organisation the account joins). A change ends every API key but the
    /// credential making it.
    @Test func changingThePasswordEndsOtherAPIKeys() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("cy@acme.test", password: "cy's first password")
            let session = try await session(cp, "cy@acme.test", "cy's first password")
            let made = { (credential: String) in
                try #require(try await cp.send(.post, "/v1/api-keys", json: ["name": "k"], key: .some(credential)).json["key"] as? String)
            }
            let elsewhere = try await made(session)
            let changer = try await made(session)
            let change = ["current_password": "cy's first password", "new_password": "cy's second password"]
            #expect(try await cp.send(.post, "/v1/me/password", json: change, key: .some(changer)).status == 204)
            try await cp.expectRefused(.get, "/v1/me", key: .some(elsewhere), status: 401)
            try await cp.expectRefused(.get, "/v1/me", key: .some(session), status: 401)
            #expect(try await cp.send(.get, "/v1/me", key: .some(changer)).status == 200)
        }
    }

    @Test func resetCodesAreSingleUseAndEndEveryCredential() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOrg("globex")
            let user = try await cp.addMember("rae@acme.test", password: "rae's first password")
            let old = try await session(cp, "rae@acme.test", "rae's first password")
            let key = try await cp.apiKey(forUser: user)
            let issued = try await cp.send(.post, "/v1/users/rae@acme.test/password-reset")
            #expect(issued.status == 201 && issued.headers[.cacheControl] == "no-store", "\(issued.text)")
            let code = try #require(issued.json["code"] as? String)
            #expect(code.hasPrefix("cpr_") && (issued.json["url"] as? String)?.hasSuffix("/console/reset#\(code)") == true)
            // Redeemed once, by whoever holds the code; concurrent redemptions: one wins.
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        let reply = try await cp.send(
                            .post,
                            "/v1/auth/password-reset",
                            json: ["code": code, "password": "rae's new password \(index)"],
                            key: .some(nil)
                        )
                        return "\(reply.status) \(reply.errorCode ?? "")"
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // The losers are refused as a spent code is (docs/api.md: one answer for all).
            #expect(
                answers.filter { $0 == "204 " }.count == 1 && answers.filter { $0 == "400 invalid_request" }.count == 9,
                "\(answers.sorted())"
            )
            try await cp.expectRefused(.get, "/v1/me", key: .some(old), status: 401)
            try await cp.expectRefused(.get, "/v1/me", key: .some(key), status: 401)
            try await cp.expectRefusal(401, message: "email or password") { try await login(cp, "rae@acme.test", "rae's first password") }
            let audit = try await cp.send(.get, "/v1/orgs/acme/audit?limit=5")
            #expect((audit.json["events"] as? [[String: Any]])?.first?["action"] as? String == "password_reset.issued")
            // An org admin may reset an account of theirs alone, not one another org also has.
            let admin = try await cp.apiKey(forUser: try await cp.addMember("boss@acme.test", role: "admin"))
            let alone = try await cp.send(.post, "/v1/orgs/acme/members/rae@acme.test/password-reset", key: .some(admin))
            #expect(alone.status == 201, "\(alone.text)")
            try await cp.addMember("rae@acme.test", org: "globex", join: false)
            let shared = "/v1/orgs/acme/members/rae@acme.test/password-reset"
            try await cp.expectRefused(.post, shared, key: .some(admin), status: 403, message: "another organisation")
            try await cp.expectRefused(
                .post,
                "/v1/users/rae@acme.test/password-reset",
                key: .some(admin),
                status: 403,
                message: "superuser"
            )
            // A newer code voids the older one; expired codes are refused.
            let older = try #require(alone.json["code"] as? String)
            let newer = try #require(try await cp.send(.post, "/v1/users/\(user)/password-reset").json["code"] as? String)
            let redeem = { (code: String) in
                _ = try await cp.expectRefused(
                    .post,
                    "/v1/auth/password-reset",
                    json: ["code": code, "password": "a fine password"],
                    key: .some(nil),
                    status: 400,
                    message: "password-reset code"
                )
            }
            try await redeem(older)
            cp.clock.advance(86_401)
            try await redeem(newer)
            try await redeem("cpr_unknown")
            try await cp.expectRefused(.post, "/v1/users/nobody@acme.test/password-reset", status: 404, message: "nobody@acme.test")
        }
    }
}
