import AgentOSAuth
import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

@Suite("Token issuance")
struct TokenIssuanceTests {
    /// alice: os-viewer org-wide + agents:web-agent:run on prod.
    func alice(_ cp: ControlPlaneHarness) async throws -> (id: String, key: String, pem: String) {
        try await cp.makeOrg()
        let pem = try await cp.makeOS()
        let id = try await cp.addMember("alice@acme.test")
        try await cp.bind(["user": "alice@acme.test"], role: "os-viewer")
        try await cp.grant(["user": id], "agents:web-agent:run")
        return (id, try await cp.apiKey(forUser: id), pem)
    }

    @Test func claimsFollowTheContract() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let alice = try await alice(cp)
            let reply = try await cp.token(["ttl_seconds": 600, "session_id": "s-1"], key: alice.key)
            #expect(reply.status == 201, "\(reply.text)")
            #expect(reply.headers[.cacheControl] == "no-store")
            let body = reply.json
            let token = try #require(body["access_token"] as? String)
            #expect(body["token_type"] as? String == "Bearer" && body["expires_in"] as? Int == 600)
            let claims = jwtPayload(token)
            #expect(
                Set(claims.keys) == [
                    "iss", "sub", "aud", "iat", "nbf", "exp", "jti", "scopes", "session_id", "email", "name", "org", "status",
                ]
            )
            let status = (claims["status"] as? [String: Any])?["status_list"] as? [String: Any]
            #expect(status?["uri"] as? String == "https://cp.test/v1/orgs/acme/os/prod/status-list" && status?["idx"] is Int)
            #expect(claims["iss"] as? String == "https://cp.test")
            #expect(claims["sub"] as? String == alice.id)
            #expect(claims["aud"] as? String == "prod")
            #expect(
                claims["email"] as? String == "alice@acme.test" && claims["name"] as? String == "Alice"
                    && claims["org"] as? String == "acme"
            )
            #expect(claims["session_id"] as? String == "s-1" && claims["jti"] as? String == body["jti"] as? String)
            let iat = try #require(claims["iat"] as? Int)
            #expect(claims["nbf"] as? Int == iat && claims["exp"] as? Int == iat + 600)
            let expected = (ReferenceScopes.viewer + ["agents:web-agent:run"]).sorted()
            #expect(claims["scopes"] as? [String] == expected)
            #expect(body["scopes"] as? [String] == expected)

            // The OS, holding only the PEM, accepts it.
            let verifier = try TokenVerifier(
                keys: KeySet(staticKeys: try KeySet.parsePEMBlocks(alice.pem)),
                options: .init(audience: "prod")
            )
            let verified = try await verifier.verify(token)
            #expect(verified.subject == alice.id && verified.sessionID == "s-1" && verified.keyID == body["kid"] as? String)
        }
    }

    @Test func scopesAreCompiled() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            try await cp.makeOS("staging")
            let bob = try await cp.addMember("bob@acme.test")
            let created = try await cp.send(
                .post,
                "/v1/orgs/acme/roles",
                json: ["slug": "mixed", "scopes": ["agents:*:run", "system:read", "agents:web-agent:run", "teams:research-team:read"]]
            )
            #expect(created.status == 201, "\(created.text)")
            try await cp.bind(["user": bob], role: "mixed", os: "prod")
            try await cp.grant(["user": bob], "teams:read")
            try await cp.grant(["user": bob], "agents:web-agent:read")
            let reply = try await cp.token(["subject": bob])
            #expect(
                reply.json["scopes"] as? [String] == ["agents:run", "agents:web-agent:read", "config:read", "teams:read"],
                "\(reply.text)"
            )
            // The binding is on prod only: nothing on staging.
            try await cp.expectRefusal(403, message: "no scopes") { try await cp.token(["subject": bob], os: "staging") }
            // An admin role collapses everything to the admin scope.
            try await cp.bind(["user": bob], role: "os-admin")
            #expect(try await cp.token(["subject": bob]).json["scopes"] as? [String] == ["agent_os:admin"])
        }
    }

    /// `agent_os:*:admin` spells the admin scope in its global form, which a compiler folding
    /// per-id scopes into `*` could produce (the scopes fuzz target looks for it). It must never
    /// reach a token: the scope lint refuses it in a role and in a grant, which this pins.
    @Test func aWildcardThatSpellsTheAdminScopeIsRefused() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let eve = try await cp.addMember("eve@acme.test")
            let role = ["slug": "sneaky", "scopes": ["agent_os:*:admin"]] as [String: Any]
            try await cp.expectRefused(.post, "/v1/orgs/acme/roles", json: role, status: 400, message: "agent_os:*:admin")
            let grant = ["subject": ["user": eve], "scope": "agent_os:*:admin"] as [String: Any]
            try await cp.expectRefused(.post, "/v1/orgs/acme/os/prod/grants", json: grant, status: 400, message: "agent_os:*:admin")
            try await cp.expectRefusal(400, message: "agent_os:*:admin") {
                try await cp.token(["subject": eve, "scopes": ["agent_os:*:admin"]])
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: [String: any Sendable]
        var status: Int
        var message: String
        var testDescription: String { name }
    }

    static let requestCases: [Case] = [
        Case(name: "narrow to one agent", body: ["scopes": ["agents:web-agent:run"]], status: 201, message: "agents:web-agent:run"),
        Case(
            name: "narrow through the global form",
            body: ["scopes": ["agents:finance-agent:read"]],
            status: 201,
            message: "agents:finance-agent:read"
        ),
        Case(
            name: "over-ask another agent",
            body: ["scopes": ["agents:finance-agent:run"]],
            status: 403,
            message: "agents:finance-agent:run"
        ),
        Case(name: "over-ask admin", body: ["scopes": ["agent_os:admin", "agents:read"]], status: 403, message: "agent_os:admin"),
        Case(name: "over-ask the wildcard", body: ["scopes": ["agents:*:run"]], status: 403, message: "agents:*:run"),
        Case(name: "malformed scope", body: ["scopes": ["agents:web agent:run"]], status: 400, message: "whitespace"),
        Case(name: "unknown resource", body: ["scopes": ["rockets:read"]], status: 400, message: "unknown resource 'rockets'"),
        Case(name: "empty scope list", body: ["scopes": [String]()], status: 400, message: "must not be empty"),
        Case(name: "ttl over the maximum", body: ["ttl_seconds": 3601], status: 400, message: "ttl_seconds"),
        Case(name: "ttl zero", body: ["ttl_seconds": 0], status: 400, message: "ttl_seconds"),
        Case(name: "overlong session id", body: ["session_id": String(repeating: "s", count: 129)], status: 400, message: "session_id"),
        Case(name: "another member as a member", body: ["subject": "carol@acme.test"], status: 403, message: "admin or owner"),
        Case(name: "wrong type", body: ["ttl_seconds": "600"], status: 400, message: "ttl_seconds"),
    ]

    @Test(arguments: requestCases)
    func requests(_ item: Case) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let alice = try await alice(cp)
            try await cp.addMember("carol@acme.test")
            try await cp.bind(["user": "carol@acme.test"], role: "os-viewer")
            guard item.status == 201 else {
                // Refused: no token recorded, no status-list index taken.
                try await cp.expectRefusal(item.status, message: item.message) { try await cp.token(item.body, key: alice.key) }
                return
            }
            let reply = try await cp.token(item.body, key: alice.key)
            #expect(reply.status == 201, "\(reply.text)")
            #expect(reply.json["scopes"] as? [String] == [item.message])
            #expect(jwtPayload(reply.json["access_token"] as? String ?? "")["scopes"] as? [String] == [item.message])
        }
    }

    @Test func refusals() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let alice = try await alice(cp)
            try await cp.makeOS("bare")
            // Unknown OS, unknown org (hidden like a foreign one), no scopes there.
            try await cp.expectRefusal(404, message: "nope") { try await cp.token([:], os: "nope", key: alice.key) }
            try await cp.expectRefusal(404, message: "nope") { try await cp.token([:], org: "nope", key: alice.key) }
            // Subject not a member; superuser must name a subject.
            try await cp.expectRefusal(403, message: "not an active member") { try await cp.token(["subject": "stranger@acme.test"]) }
            try await cp.expectRefusal(400, message: "subject is required") { try await cp.token([:]) }
            // No active key: 409 saying how to fix it.
            let keys = try await cp.send(.get, "/v1/orgs/acme/os/prod/keys").json["keys"] as? [[String: Any]] ?? []
            let kid = try #require(keys.first?["kid"] as? String)
            #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/revoke").status == 200)
            // No token is recorded; the process may lease its first block of status-list indices
            // for the OS on the way (docs/decisions.md, "Indices are leased in blocks").
            try await cp.expectRefusal(409, message: "activate", changing: ["status_list_blocks", "status_list_counters"]) {
                try await cp.token([:], key: alice.key)
            }
            // Disabled members get no tokens, for themselves or from an admin.
            #expect(try await cp.send(.patch, "/v1/orgs/acme/members/alice@acme.test", json: ["disabled": true]).status == 200)
            try await cp.expectRefusal(403, message: "disabled") { try await cp.token([:], key: alice.key) }
            try await cp.expectRefusal(403, message: "disabled") { try await cp.token(["subject": alice.id]) }
        }
    }

    @Test func serviceAccountsAndBrokers() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let alice = try await alice(cp)
            let robot = try await cp.serviceAccount("robot")
            let broker = try await cp.serviceAccount("broker", broker: true)
            try await cp.grant(["service_account": robot.id], "agents:web-agent:run")
            // A service account's own token: sub svc:<id>.
            let own = try await cp.token([:], key: robot.secret)
            #expect(own.status == 201 && jwtPayload(own.json["access_token"] as? String ?? "")["sub"] as? String == "svc:\(robot.id)")
            try await cp.expectRefusal(403, message: "token-broker") { try await cp.token(["subject": alice.id], key: robot.secret) }
            // A broker issues for users (with the user's scopes, not its own: it has none).
            let brokered = try await cp.token(["subject": "alice@acme.test", "scopes": ["agents:web-agent:run"]], key: broker.secret)
            #expect(brokered.status == 201 && jwtPayload(brokered.json["access_token"] as? String ?? "")["sub"] as? String == alice.id)
            // Revoked: no API access, no tokens.
            #expect(try await cp.send(.delete, "/v1/orgs/acme/service-accounts/\(robot.id)").status == 204)
            try await cp.expectRefusal(401) { try await cp.token([:], key: robot.secret) }
            try await cp.expectRefusal(403, message: "disabled or revoked") { try await cp.token(["subject": "svc:\(robot.id)"]) }
            let listed = try await cp.send(.get, "/v1/orgs/acme/service-accounts").json["service_accounts"] as? [[String: Any]] ?? []
            #expect(listed.count == 2 && listed.allSatisfy { $0["client_secret"] == nil })
            #expect(listed.contains { $0["id"] as? String == robot.id && $0["revoked_at"] is String })
        }
    }
}

extension TokenIssuanceTests {
    /// Two replicas on one database: a rotation or revocation through one is honoured by the
    /// other's next token, although the other cached the old signer.
    @Test func replicasFollowRotationsMadeElsewhere() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let alice = try await alice(cp)
            let other = ControlPlaneServices(
                client: cp.database,
                masterKeys: ControlPlaneHarness.masterKeys,
                settings: ControlPlaneHarness.settings,
                logger: TestCluster.logger
            )
            let caller = try await other.authentication.authenticate(bearer: cp.adminKey)
            let request = TokenRequest(subject: alice.id)
            try await other.withBackgroundServices {
                let first = try await other.tokens.issue(caller, org: "acme", os: "prod", request: request)
                let rotated = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": true])
                let newKid = try #require(rotated.json["kid"] as? String)
                let second = try await other.tokens.issue(caller, org: "acme", os: "prod", request: request)
                #expect(first.kid != newKid && second.kid == newKid)
                // The result names its organisation and OS, so no caller parses them out of the token.
                #expect(first.org == "acme" && first.os == "prod" && jwtPayload(first.accessToken)["org"] as? String == "acme")
                // Revoking the active key: the other replica refuses instead of signing with it.
                #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(newKid)/revoke").status == 200)
                await #expect(throws: ControlPlaneError.self) {
                    try await other.tokens.issue(caller, org: "acme", os: "prod", request: request)
                }
            }
        }
    }
}
