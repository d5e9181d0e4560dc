import AgentOSAuth
import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

@Suite("OS roles, bindings, grants, access and explain")
struct RolesAndGrantsTests {
    @Test func builtinRolesHaveTheDocumentedScopes() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let roles = try await cp.send(.get, "/v1/orgs/acme/roles").json["roles"] as? [[String: Any]] ?? []
            let bySlug = Dictionary(uniqueKeysWithValues: roles.map { ($0["slug"] as? String ?? "", $0["scopes"] as? [String] ?? []) })
            #expect(bySlug["os-admin"] == ["agent_os:admin"])
            #expect(bySlug["os-viewer"] == ReferenceScopes.viewer)
            #expect(bySlug["os-member"] == ReferenceScopes.member)
            #expect(bySlug.count == 3)
            #expect(roles.allSatisfy { $0["builtin"] as? Bool == true })
            // Built-in roles are fixed.
            try await cp.expectRefused(
                .put,
                "/v1/orgs/acme/roles/os-viewer/scopes",
                json: ["scopes": ["agents:read"]],
                status: 409,
                message: "built-in"
            )
            try await cp.expectRefused(.delete, "/v1/orgs/acme/roles/os-admin", status: 409, message: "built-in")
        }
    }

    static let lintCases: [(String, String)] = [
        ("agents:run:now:please", "expected"),
        ("rockets:read", "unknown resource 'rockets'"),
        ("agents:launch", "unknown action 'launch'"),
        ("sessions:abc:read", "only honoured for agents, teams and workflows"),
        ("agents:bad id!:run", "whitespace"),
        ("agents:bad$id:run", "resource id must be '*' or 1 to 128 characters, each a letter (A-Z, a-z), a digit, '.', '_' or '-'"),
        ("", "scope is empty"),
        ("agents read", "whitespace"),
        ("AGENTS:read", "unknown resource 'AGENTS'"),
    ]

    @Test(arguments: lintCases)
    func scopeLint(scope: String, reason: String) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let user = try await cp.addMember("gus@acme.test")
            let role = try await cp.expectRefused(
                .post,
                "/v1/orgs/acme/roles",
                json: ["slug": "bad", "scopes": ["agents:read", scope]],
                status: 400,
                message: reason
            )
            #expect(role.errorMessage?.contains("scope '") == true, "\(role.refusalSummary)")
            let grant = ["subject": ["user": user], "scope": scope] as [String: Any]
            try await cp.expectRefused(.post, "/v1/orgs/acme/os/prod/grants", json: grant, status: 400, message: reason)
            // Nothing changed.
            try await cp.expectRefused(.get, "/v1/orgs/acme/roles/bad", status: 404, message: "bad")
            #expect((try await cp.send(.get, "/v1/orgs/acme/os/prod/grants").json["grants"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func customRoleLifecycle() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let user = try await cp.addMember("hal@acme.test")
            let created = try await cp.send(
                .post,
                "/v1/orgs/acme/roles",
                json: ["slug": "runner", "name": "Runner", "scopes": ["agents:web-agent:run", "agents:web-agent:run"]]
            )
            #expect(created.status == 201 && created.json["scopes"] as? [String] == ["agents:web-agent:run"])
            try await cp.expectRefused(
                .post,
                "/v1/orgs/acme/roles",
                json: ["slug": "runner", "scopes": []],
                status: 409,
                message: "already exists"
            )
            let binding = try await cp.bind(["user": user], role: "runner", os: "prod")
            let again = ["subject": ["user": user], "role": "runner", "os": "prod"] as [String: Any]
            try await cp.expectRefused(.post, "/v1/orgs/acme/role-bindings", json: again, status: 409, message: "already has role 'runner'")
            #expect(try await cp.token(["subject": user]).json["scopes"] as? [String] == ["agents:web-agent:run"])
            // Editing the role changes the next token.
            let edited = try await cp.send(.put, "/v1/orgs/acme/roles/runner/scopes", json: ["scopes": ["agents:run", "config:read"]])
            #expect(edited.status == 200 && edited.json["scopes"] as? [String] == ["agents:run", "config:read"])
            #expect(try await cp.token(["subject": user]).json["scopes"] as? [String] == ["agents:run", "config:read"])
            // Bound: 409 unless forced; forcing drops the binding.
            try await cp.expectRefused(.delete, "/v1/orgs/acme/roles/runner", status: 409, message: "force=true")
            #expect(try await cp.send(.delete, "/v1/orgs/acme/roles/runner?force=true").status == 204)
            try await cp.expectRefused(.delete, "/v1/orgs/acme/role-bindings/\(binding)", status: 404, message: binding.lowercased())
            try await cp.expectRefusal(403, message: "no scopes") { try await cp.token(["subject": user]) }
            // Bad input.
            let bindings = "/v1/orgs/acme/role-bindings"
            let both = ["subject": ["user": user, "service_account": user], "role": "os-viewer"] as [String: Any]
            try await cp.expectRefused(.post, bindings, json: both, status: 400, message: "subject must be")
            let nobody = ["subject": ["user": "nobody@x.test"], "role": "os-viewer"] as [String: Any]
            try await cp.expectRefused(.post, bindings, json: nobody, status: 404, message: "nobody@x.test")
            let unknownRole = ["subject": ["user": user], "role": "nope"] as [String: Any]
            try await cp.expectRefused(.post, bindings, json: unknownRole, status: 404, message: "nope")
            try await cp.expectRefused(.delete, "\(bindings)/not-a-uuid", status: 400, message: "binding id must be a UUID")
        }
    }

    @Test func accessAndExplainNameTheirSources() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let alice = try await cp.addMember("alice@acme.test")
            let binding = try await cp.bind(["user": alice], role: "os-viewer")
            let grant = try await cp.grant(["user": alice], "agents:web-agent:run")

            let access = try await cp.send(.get, "/v1/orgs/acme/os/prod/access?user=alice@acme.test")
            #expect(access.status == 200)
            #expect((access.json["scopes"] as? [String])?.contains("agents:web-agent:run") == true)
            let grantedBy = access.json["granted_by"] as? [[String: Any]] ?? []
            let run = try #require(grantedBy.first { $0["scope"] as? String == "agents:web-agent:run" })
            #expect((run["sources"] as? [[String: Any]])?.first?["id"] as? String == grant)
            let read = try #require(grantedBy.first { $0["scope"] as? String == "agents:read" })
            let readSource = try #require((read["sources"] as? [[String: Any]])?.first)
            #expect(
                readSource["kind"] as? String == "role" && readSource["role"] as? String == "os-viewer"
                    && readSource["id"] as? String == binding
            )

            let allowed = try await cp.send(
                .post,
                "/v1/orgs/acme/os/prod/explain",
                json: ["subject": ["user": alice], "method": "POST", "path": "/agents/web-agent/runs"]
            )
            #expect(allowed.json["allowed"] as? Bool == true && allowed.json["status"] as? Int == 200, "\(allowed.text)")
            #expect(allowed.json["required_scopes"] as? [String] == ["agents:web-agent:run"])
            #expect(allowed.json["matched_scopes"] as? [String] == ["agents:web-agent:run"])
            let sources = (allowed.json["granted_by"] as? [String: [[String: Any]]])?["agents:web-agent:run"]
            #expect(sources?.first?["id"] as? String == grant)

            let denied = try await cp.send(
                .post,
                "/v1/orgs/acme/os/prod/explain",
                json: ["subject": ["user": alice], "method": "POST", "path": "/agents/finance-agent/runs"]
            )
            #expect(denied.json["allowed"] as? Bool == false && denied.json["status"] as? Int == 403)
            #expect(denied.json["required_scopes"] as? [String] == ["agents:finance-agent:run"])
            #expect(denied.json["detail"] as? String == "Insufficient permissions. Required scope(s): agents:run")

            // Explaining a token: verified with the OS's published keys first.
            let token = try #require(try await cp.token(["subject": alice]).json["access_token"] as? String)
            let viaToken = try await cp.send(
                .post,
                "/v1/orgs/acme/os/prod/explain",
                json: ["token": token, "method": "GET", "path": "/agents/web-agent"]
            )
            #expect(viaToken.json["allowed"] as? Bool == true && viaToken.json["subject"] as? String == alice, "\(viaToken.text)")
            let garbage = try await cp.send(
                .post,
                "/v1/orgs/acme/os/prod/explain",
                json: ["token": "a.b.c", "method": "GET", "path": "/agents"]
            )
            #expect(garbage.status == 200 && garbage.json["allowed"] as? Bool == false && garbage.json["status"] as? Int == 401)
            // Bad input.
            let explain = "/v1/orgs/acme/os/prod/explain"
            try await cp.expectRefused(
                .post,
                explain,
                json: ["method": "GET", "path": "/agents"],
                status: 400,
                message: "exactly one of subject and token"
            )
            try await cp.expectRefused(
                .post,
                explain,
                json: ["token": token, "method": "BREW", "path": "/agents"],
                status: 400,
                message: "method must be"
            )
            try await cp.expectRefused(
                .post,
                explain,
                json: ["token": token, "method": "GET", "path": "agents"],
                status: 400,
                message: "path must start"
            )
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/prod/access", status: 400, message: "subject must be")
        }
    }

    /// A grant is deleted only through its own OS: another OS's URL answers 404 and keeps it.
    @Test func grantIsDeletedOnlyThroughItsOS() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("prod")
            try await cp.makeOS("staging")
            let user = try await cp.addMember("ivy@acme.test")
            let grant = try await cp.grant(["user": user], "agents:web-agent:run", os: "prod")
            try await cp.expectRefused(.delete, "/v1/orgs/acme/os/staging/grants/\(grant)", status: 404, message: grant.lowercased())
            let listed = try await cp.send(.get, "/v1/orgs/acme/os/prod/grants")
            #expect((listed.json["grants"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [grant])
            #expect(try await cp.send(.delete, "/v1/orgs/acme/os/prod/grants/\(grant)").status == 204)
            #expect((try await cp.send(.get, "/v1/orgs/acme/os/prod/grants").json["grants"] as? [Any])?.isEmpty == true)
        }
    }

    /// A refusal names the caller's role, what was refused and the role it needs.
    @Test func refusalSaysWhatIsMissing() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let user = try await cp.addMember("max@acme.test")
            let key = try await cp.apiKey(forUser: user)
            let refused = try await cp.expectRefused(.get, "/v1/orgs/acme/members", key: key, status: 403)
            #expect(
                refused.errorMessage == "your role in 'acme' (member) does not allow listing members; it needs admin",
                "\(refused.text)"
            )
        }
    }

    @Test func mutationsAreAudited() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let user = try await cp.addMember("ivy@acme.test")
            #expect(try await cp.send(.patch, "/v1/orgs/acme/members/\(user)", json: ["role": "admin"]).status == 200)
            #expect(try await cp.send(.post, "/v1/orgs/acme/roles", json: ["slug": "r", "scopes": ["agents:read"]]).status == 201)
            #expect(try await cp.send(.put, "/v1/orgs/acme/roles/r/scopes", json: ["scopes": ["teams:read"]]).status == 200)
            let binding = try await cp.bind(["user": user], role: "r")
            let grant = try await cp.grant(["user": user], "agents:web-agent:run")
            let account = try await cp.serviceAccount("bot")
            #expect(try await cp.send(.delete, "/v1/orgs/acme/role-bindings/\(binding)").status == 204)
            #expect(try await cp.send(.delete, "/v1/orgs/acme/os/prod/grants/\(grant)").status == 204)
            #expect(try await cp.send(.delete, "/v1/orgs/acme/roles/r").status == 204)
            #expect(try await cp.send(.delete, "/v1/orgs/acme/service-accounts/\(account.id)").status == 204)
            #expect(try await cp.send(.delete, "/v1/orgs/acme/members/\(user)").status == 204)
            let events = try await cp.send(.get, "/v1/orgs/acme/audit?limit=500").json["events"] as? [[String: Any]] ?? []
            let actions = Set(events.compactMap { $0["action"] as? String })
            for action in [
                "member.added", "member.updated", "member.removed", "role.created", "role.scopes_set", "role.deleted", "binding.created",
                "binding.deleted", "grant.created", "grant.deleted", "service_account.created", "service_account.revoked",
            ] {
                #expect(actions.contains(action), "missing audit action \(action)")
            }
            #expect(!events.contains { ($0["details"] as? [String: String])?.values.contains { $0.hasPrefix("cpsa_") } == true })
            #expect(try await cp.services.audit.verify(try await cp.superuserAccess()).firstBroken == nil)
        }
    }

    @Test func lastOwnerStays() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("olga@acme.test", role: "owner")
            let olga = "/v1/orgs/acme/members/olga@acme.test"
            try await cp.expectRefused(.patch, olga, json: ["role": "admin"], status: 409, message: "at least one active owner")
            try await cp.expectRefused(.patch, olga, json: ["disabled": true], status: 409, message: "at least one active owner")
            try await cp.expectRefused(.delete, olga, status: 409, message: "at least one active owner")
            try await cp.addMember("otto@acme.test", role: "owner")
            #expect(try await cp.send(.delete, olga).status == 204)
            let otto = "/v1/orgs/acme/members/otto@acme.test"
            try await cp.expectRefused(.patch, otto, json: ["role": "boss"], status: 400, message: "role must be owner, admin or member")
            try await cp.expectRefused(.patch, otto, json: [String: Any](), status: 400, message: "give role and/or disabled")
        }
    }
}
