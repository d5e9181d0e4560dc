import Foundation
import HTTPTypes
import Testing

/// Random sequences of bindings, grants, role edits and token requests. A model of what was
/// granted is kept beside the control plane and judged with `ReferenceScopes`, an independent
/// matcher (never `ScopeCompiler` or `BuiltinRoles`, which issuance itself uses): every issued
/// token must grant exactly what the model's effective scopes (or the narrowed request) grant,
/// and every refusal must be the one the model predicts (status, code, reason) and change nothing.
@Suite("No escalation (property test)")
struct EscalationPropertyTests {
    /// SplitMix64: deterministic, so a failing seed can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pool = [
        "agents:read", "agents:run", "agents:web-agent:run", "agents:finance-agent:read", "agents:*:read", "teams:research-team:run",
        "config:read", "system:read", "sessions:delete", "agent_os:admin", "workflows:nightly-report:run", "teams:*:run",
    ]
    static let oses = ["prod", "staging"]
    /// Requirements a route could ask for: every resource and action of the pool, collection
    /// routes and routes about one id (ids of the pool and one nobody holds).
    static let probes = ReferenceScopes.probes(
        resources: ["agents", "teams", "workflows", "config", "sessions"],
        actions: ["read", "run", "delete"],
        ids: ["web-agent", "finance-agent", "research-team", "nightly-report", "other"]
    )

    struct Model {
        var roleScopes: [String: [String]] = [:]
        var bindings: [(subject: String, role: String, os: String?)] = []
        var grants: [(subject: String, os: String, scope: String)] = []

        func effective(_ subject: String, os: String) -> [String] {
            let fromRoles = bindings.filter { $0.subject == subject && ($0.os == nil || $0.os == os) }.flatMap { roleScopes[$0.role] ?? [] }
            return fromRoles + grants.filter { $0.subject == subject && $0.os == os }.map(\.scope)
        }
    }

    @Test(arguments: [UInt64(1), 7, 42, 2026])
    func randomSequences(seed: UInt64) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            var random = Generator(state: seed)
            try await cp.makeOrg()
            for os in Self.oses { try await cp.makeOS(os) }
            var model = Model()
            model.roleScopes = [
                "os-admin": [ReferenceScopes.admin], "os-viewer": ReferenceScopes.viewer, "os-member": ReferenceScopes.member,
            ]
            for slug in ["custom-a", "custom-b"] {
                let scopes = Array(Self.pool.shuffled(using: &random).prefix(2))
                #expect(try await cp.send(.post, "/v1/orgs/acme/roles", json: ["slug": slug, "scopes": scopes]).status == 201)
                model.roleScopes[slug] = scopes
            }
            var users: [String: String] = [:]  // subject id → API key
            for name in ["u1", "u2", "u3"] {
                let id = try await cp.addMember("\(name)@acme.test")
                users[id] = try await cp.apiKey(forUser: id)
            }
            let account = try await cp.serviceAccount("svc")
            let subjects = Array(users.keys).sorted() + [account.id]
            func subjectBody(_ id: String) -> [String: String] { id == account.id ? ["service_account": id] : ["user": id] }
            func key(_ id: String) -> String { users[id] ?? account.secret }

            var issued = 0
            var refused = 0
            for _ in 0..<60 {
                let subject = subjects.randomElement(using: &random)!
                let os = Self.oses.randomElement(using: &random)!
                switch Int.random(in: 0..<7, using: &random) {
                case 0:
                    let role = model.roleScopes.keys.sorted().randomElement(using: &random)!
                    let scoped: String? = Bool.random(using: &random) ? os : nil
                    var body: [String: Any] = ["subject": subjectBody(subject), "role": role]
                    if let scoped { body["os"] = scoped }
                    // The same binding twice is a conflict that changes nothing.
                    if model.bindings.contains(where: { $0 == (subject, role, scoped) }) {
                        try await cp.expectRefused(
                            .post,
                            "/v1/orgs/acme/role-bindings",
                            json: body,
                            status: 409,
                            message: "already has role '\(role)'"
                        )
                    } else {
                        let reply = try await cp.send(.post, "/v1/orgs/acme/role-bindings", json: body)
                        #expect(reply.status == 201, "\(reply.text)")
                        model.bindings.append((subject, role, scoped))
                    }
                case 1:
                    let scope = Self.pool.randomElement(using: &random)!
                    let body: [String: Any] = ["subject": subjectBody(subject), "scope": scope]
                    if model.grants.contains(where: { $0 == (subject, os, scope) }) {
                        try await cp.expectRefused(
                            .post,
                            "/v1/orgs/acme/os/\(os)/grants",
                            json: body,
                            status: 409,
                            message: "already has '\(scope)'"
                        )
                    } else {
                        let reply = try await cp.send(.post, "/v1/orgs/acme/os/\(os)/grants", json: body)
                        #expect(reply.status == 201, "\(reply.text)")
                        model.grants.append((subject, os, scope))
                    }
                case 2:
                    // A member or service account tries to widen access: always 403, nothing changes.
                    let attempts: [(HTTPRequest.Method, String, [String: Any])] = [
                        (.post, "/v1/orgs/acme/role-bindings", ["subject": subjectBody(subject), "role": "os-admin"]),
                        (.post, "/v1/orgs/acme/os/\(os)/grants", ["subject": subjectBody(subject), "scope": "agent_os:admin"]),
                        (.put, "/v1/orgs/acme/roles/custom-a/scopes", ["scopes": ["agent_os:admin"]]),
                        (.post, "/v1/orgs/acme/roles", ["slug": "mine", "scopes": ["agent_os:admin"]]),
                        (.post, "/v1/orgs/acme/service-accounts", ["name": "escape", "token_broker": true]),
                        (.patch, "/v1/orgs/acme/members/\(subject)", ["role": "admin"]),
                    ]
                    let (method, path, body) = attempts.randomElement(using: &random)!
                    // The reason names the rule: a member's role is too low; a service account only gets tokens.
                    let reason = subject == account.id ? "service account may only get tokens" : "needs admin"
                    try await cp.expectRefused(
                        method,
                        path,
                        json: body,
                        key: .some(key(subject)),
                        status: 403,
                        message: reason,
                        note: "\(method) \(path) by \(subject): "
                    )
                case 3:
                    let slug = ["custom-a", "custom-b"].randomElement(using: &random)!
                    let scopes = Array(Self.pool.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random)))
                    #expect(try await cp.send(.put, "/v1/orgs/acme/roles/\(slug)/scopes", json: ["scopes": scopes]).status == 200)
                    model.roleScopes[slug] = scopes
                case 4:
                    // Someone else's token: members and plain service accounts are refused.
                    let other = subjects.filter { $0 != subject }.randomElement(using: &random)!
                    let target = other == account.id ? "svc:\(other)" : other
                    let reason = subject == account.id ? "only a token-broker service account" : "needs the admin or owner role"
                    try await cp.expectRefusal(403, message: reason) { try await cp.token(["subject": target], os: os, key: key(subject)) }
                default:
                    let expected = model.effective(subject, os: os)
                    var body: [String: Any] = [:]
                    var requested: [String]?
                    if Bool.random(using: &random) {
                        requested = Array(Self.pool.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)))
                        body["scopes"] = requested
                    }
                    let before = try await cp.databaseRows()
                    let reply = try await cp.token(body, os: os, key: key(subject))
                    if reply.status == 201 {
                        issued += 1
                        let scopes = jwtPayload(reply.json["access_token"] as? String ?? "")["scopes"] as? [String] ?? []
                        #expect(!scopes.isEmpty)
                        #expect(scopes.allSatisfy { ReferenceScopes.covers(expected, $0) }, "token \(scopes) exceeds \(expected)")
                        // Exactly what was asked for (or everything held): same answer on every probe.
                        let source = requested ?? expected
                        #expect(
                            ReferenceScopes.grants(scopes, among: Self.probes) == ReferenceScopes.grants(source, among: Self.probes),
                            "token \(scopes) does not grant what \(source) grants"
                        )
                        if let requested { #expect(requested.allSatisfy { ReferenceScopes.covers(expected, $0) }) }
                    } else {
                        refused += 1
                        #expect(reply.status == 403 && reply.errorCode == "forbidden", "\(reply.refusalSummary)")
                        let holdsNothing = !expected.contains { $0 == ReferenceScopes.admin || ReferenceScopes.parse($0) != nil }
                        let uncovered = (requested ?? []).filter { !ReferenceScopes.covers(expected, $0) }
                        #expect(holdsNothing || !uncovered.isEmpty, "refused although \(requested ?? []) ⊆ \(expected): \(reply.text)")
                        // The reason is the model's: nothing held, or the over-asked scopes by name.
                        let message = reply.errorMessage ?? ""
                        #expect(
                            (holdsNothing && message.contains("no scopes"))
                                || (!uncovered.isEmpty && uncovered.allSatisfy { message.contains($0) }),
                            "\(requested ?? []) of \(expected): \(reply.refusalSummary)"
                        )
                        let after = try await cp.databaseRows()
                        let unchanged = after == before  // outside `#expect`, which would print every row
                        #expect(unchanged, "a refused token changed the database: \(ControlPlaneHarness.difference(before, after))")
                    }
                }
            }
            // Both outcomes occur for every seed, so neither branch is vacuous.
            #expect(issued > 0 && refused > 0, "issued \(issued), refused \(refused)")
        }
    }
}
