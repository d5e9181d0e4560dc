import AgentOSAuth
import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// Revocation that reaches an OS offline: every token carries a status-list
/// reference, and revoking (by jti, token, subject, or through an access change) flips its bit;
/// demo-os refuses it once its cached list is older than the `ttl`, while other tokens pass.
@Suite("Token revocation through status lists")
struct TokenRevocationTests {
    static let revoked = (401, Optional("Invalid token: Token has been revoked"))
    static let ok = (200, String?.none)

    /// alice (os-viewer org-wide, a grant on prod) and bob (os-viewer); returns their ids.
    func setUp(_ cp: ControlPlaneHarness) async throws -> (alice: String, bob: String, grant: String, binding: String) {
        try await cp.makeOrg()
        try await cp.makeOS(algorithm: "ES256")
        let alice = try await cp.addMember("alice@acme.test")
        let bob = try await cp.addMember("bob@acme.test")
        let binding = try await cp.bind(["user": alice], role: "os-viewer")
        try await cp.bind(["user": bob], role: "os-viewer")
        let grant = try await cp.grant(["user": alice], "agents:web-agent:run")
        return (alice, bob, grant, binding)
    }

    func issue(_ cp: ControlPlaneHarness, _ subject: String) async throws -> String {
        let reply = try await cp.token(["subject": subject])
        #expect(reply.status == 201, "\(reply.text)")
        return try #require(reply.json["access_token"] as? String)
    }

    func revoke(_ cp: ControlPlaneHarness, _ body: [String: String]) async throws -> Int {
        let reply = try await cp.send(.post, "/v1/orgs/acme/os/prod/token-revocations", json: body)
        #expect(reply.status == 200, "\(reply.text)")
        return reply.json["revoked"] as? Int ?? -1
    }

    @Test func issuedTokensPointAtTheirOSsList() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let (alice, _, _, _) = try await setUp(cp)
            var indices: Set<Int> = []
            for _ in 0..<3 {
                let status = try #require(jwtPayload(try await issue(cp, alice))["status"] as? [String: Any])
                let list = try #require(status["status_list"] as? [String: Any])
                #expect(list["uri"] as? String == "https://cp.test/v1/orgs/acme/os/prod/status-list")
                indices.insert(try #require(list["idx"] as? Int))
            }
            #expect(indices.count == 3, "each token has its own index")
            // The client-credentials grant too.
            let account = try await cp.serviceAccount("backend")
            try await cp.bind(["service_account": account.id], role: "os-viewer")
            let form = "grant_type=client_credentials&client_id=\(account.clientID)&client_secret=\(account.secret)&audience=acme/prod"
            let oauth = try await cp.send(.post, "/oauth/token", form: form, key: .some(nil))
            let token = try #require(oauth.json["access_token"] as? String)
            let status = try #require(jwtPayload(token)["status"] as? [String: Any])
            #expect((status["status_list"] as? [String: Any])?["uri"] as? String == "https://cp.test/v1/orgs/acme/os/prod/status-list")
        }
    }

    @Test func theListIsPublicCacheableAndSigned() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            cp.clock.freeze()  // time moves only as the test says: the re-signing below is judged to the second
            let (alice, _, _, _) = try await setUp(cp)
            _ = try await issue(cp, alice)
            let path = "/v1/orgs/acme/os/prod/status-list"
            let list = try await cp.send(.get, path, key: .some(nil))
            #expect(list.status == 200)
            #expect(list.headers[.contentType] == "application/statuslist+jwt")
            #expect(list.headers[.cacheControl] == "public, max-age=60")
            let etag = try #require(list.headers[.eTag])
            #expect(try await cp.send(.get, path, key: .some(nil), headers: [.ifNoneMatch: etag]).status == 304)
            // Served again for at most 10 s, whatever the ttl: an OS counts a list's age from its
            // iat, so it must never receive one older than that (docs/agno-compatibility.md).
            cp.clock.advance(9)
            #expect(try await cp.send(.get, path, key: .some(nil), headers: [.ifNoneMatch: etag]).status == 304)
            cp.clock.advance(2)
            let resigned = try await cp.send(.get, path, key: .some(nil), headers: [.ifNoneMatch: etag])
            #expect(resigned.status == 200 && resigned.headers[.eTag] != etag)
            let (first, second) = (jwtPayload(list.text)["iat"] as? Int ?? 0, jwtPayload(resigned.text)["iat"] as? Int ?? 0)
            #expect(second - first == 11, "iat \(first) then \(second)")
            let claims = jwtPayload(list.text)
            #expect(claims["sub"] as? String == "https://cp.test" + path && claims["ttl"] as? Int == 60)
            #expect((claims["exp"] as? Int ?? 0) > (claims["iat"] as? Int ?? .max))
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/nope/status-list", key: .some(nil), status: 404)
            try await cp.expectRefused(.get, "/v1/orgs/nope/os/prod/status-list", key: .some(nil), status: 404)
        }
    }

    @Test(arguments: ["jti", "token", "subject"])
    func aRevokedTokenIsRefusedWithinTheTTL(by kind: String) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let (alice, bob, _, _) = try await setUp(cp)
            let target = try await issue(cp, alice)
            let other = try await issue(cp, kind == "subject" ? bob : alice)
            let os = try await StatusListOS(cp)
            #expect(try await os.agents(target) == Self.ok)
            let body: [String: String] =
                switch kind {
                case "jti": ["jti": try #require(jwtPayload(target)["jti"] as? String)]
                case "token": ["token": target]
                default: ["subject": "alice@acme.test"]
                }
            #expect(try await revoke(cp, body) == 1)
            #expect(try await revoke(cp, body) == 0, "already revoked")
            cp.clock.advance(61)
            #expect(try await os.agents(target) == Self.revoked)
            #expect(try await os.agentsThroughDemoOS(target) == 401)
            #expect(try await os.agents(other) == Self.ok, "the subject's other tokens (or another subject's) still pass")
            let audit = try await cp.send(.get, "/v1/orgs/acme/audit")
            #expect(audit.text.contains("token.revoked"))
        }
    }

    @Test func newTokensAfterASubjectRevocationPass() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let (alice, _, _, _) = try await setUp(cp)
            let old = try await issue(cp, alice)
            #expect(try await revoke(cp, ["subject": alice]) == 1)
            let fresh = try await issue(cp, alice)
            let os = try await StatusListOS(cp)
            #expect(try await os.agents(old) == Self.revoked)
            #expect(try await os.agents(fresh) == Self.ok)
        }
    }

    @Test(arguments: ["grant", "binding", "disable", "remove"])
    func accessChangesRevokeTheSubjectsTokens(change: String) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let (alice, bob, grant, binding) = try await setUp(cp)
            let token = try await issue(cp, alice)
            let bobs = try await issue(cp, bob)
            let os = try await StatusListOS(cp)
            #expect(try await os.agents(token) == Self.ok)
            let reply: ControlPlaneHarness.Reply =
                switch change {
                case "grant": try await cp.send(.delete, "/v1/orgs/acme/os/prod/grants/\(grant)")
                case "binding": try await cp.send(.delete, "/v1/orgs/acme/role-bindings/\(binding)")
                case "disable": try await cp.send(.patch, "/v1/orgs/acme/members/\(alice)", json: ["disabled": true])
                default: try await cp.send(.delete, "/v1/orgs/acme/members/\(alice)")
                }
            #expect((200..<300).contains(reply.status), "\(change): \(reply.text)")
            cp.clock.advance(61)
            #expect(try await os.agents(token) == Self.revoked, "\(change)")
            #expect(try await os.agents(bobs) == Self.ok)
        }
    }

    @Test func revokingAServiceAccountRevokesItsTokensOnEveryOS() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let oses = ["prod", "staging"]
            for os in oses { try await cp.makeOS(os, algorithm: "ES256") }
            let account = try await cp.serviceAccount("backend")
            try await cp.bind(["service_account": account.id], role: "os-viewer")
            var tokens: [String: String] = [:]
            for os in oses {
                let reply = try await cp.token(["subject": "svc:\(account.id)"], os: os)
                tokens[os] = try #require(reply.json["access_token"] as? String, "\(os): \(reply.text)")
                #expect(try await StatusListOS(cp, os: os).agents(tokens[os]!) == Self.ok, "\(os) before")
            }
            #expect(try await cp.send(.delete, "/v1/orgs/acme/service-accounts/\(account.id)").status == 204)
            cp.clock.advance(61)
            for os in oses {
                let result = try await StatusListOS(cp, os: os).agents(tokens[os]!)
                #expect(result == Self.revoked, "\(os): \(result)")
            }
        }
    }

    @Test func revocationRequestsAreCheckedAndNeedAdmin() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let (alice, _, _, _) = try await setUp(cp)
            let path = "/v1/orgs/acme/os/prod/token-revocations"
            let exactlyOne = "give exactly one of jti, token and subject"
            try await cp.expectRefused(.post, path, json: [:] as [String: String], status: 400, message: exactlyOne)
            try await cp.expectRefused(.post, path, json: ["jti": "a", "subject": alice], status: 400, message: exactlyOne)
            try await cp.expectRefused(.post, path, json: ["token": "not.a.token"], status: 400, message: "not a token of OS 'prod'")
            try await cp.expectRefused(.post, path, json: ["subject": "nobody@acme.test"], status: 404, message: "nobody@acme.test")
            try await cp.expectRefused(.post, "/v1/orgs/acme/os/nope/token-revocations", json: ["jti": "a"], status: 404, message: "nope")
            let member = try await cp.apiKey(forUser: alice)
            try await cp.expectRefused(.post, path, json: ["subject": alice], key: member, status: 403, message: "needs admin")
        }
    }
}
