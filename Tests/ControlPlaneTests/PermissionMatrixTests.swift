import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// The org-role permission matrix: each kind of caller × each route class → the expected status.
@Suite("Org-role permission matrix")
struct PermissionMatrixTests {
    enum Who: String, CaseIterable, Sendable {
        case owner, admin, member, disabled, outsider, superuser, serviceAccount, broker
    }

    struct Row: Sendable {
        var name: String
        var method: HTTPRequest.Method
        var path: String
        var body: [String: any Sendable]?
        /// Callers that may do it, with the success status; everyone else gets `denied(who)`.
        var allowed: [Who: Int]
    }

    static let members: [Who] = [.owner, .admin, .member]
    static let admins: [Who] = [.owner, .admin]

    static func allow(_ who: [Who], _ status: Int, plus extra: [Who: Int] = [:]) -> [Who: Int] {
        var result = Dictionary((who + [.superuser]).map { ($0, status) }) { first, _ in first }
        result.merge(extra) { _, new in new }
        return result
    }

    /// Disabled members are refused (403); non-members cannot even see the org (404);
    /// service accounts may only issue tokens.
    static func denied(_ who: Who) -> Int { who == .outsider ? 404 : 403 }

    static let rows: [Row] = [
        Row(name: "read org", method: .get, path: "/v1/orgs/acme", allowed: allow(members, 200)),
        Row(name: "list OSes", method: .get, path: "/v1/orgs/acme/os", allowed: allow(members, 200)),
        Row(name: "show OS", method: .get, path: "/v1/orgs/acme/os/prod", allowed: allow(members, 200)),
        Row(
            name: "register OS",
            method: .post,
            path: "/v1/orgs/acme/os",
            body: ["id": "new-os", "name": "New", "authorization": false],
            allowed: allow(members, 201)
        ),
        Row(name: "update OS", method: .patch, path: "/v1/orgs/acme/os/prod", body: ["name": "Renamed"], allowed: allow(members, 200)),
        Row(name: "list keys", method: .get, path: "/v1/orgs/acme/os/prod/keys", allowed: allow(members, 200)),
        Row(name: "create key", method: .post, path: "/v1/orgs/acme/os/prod/keys", body: [:], allowed: allow(admins, 201)),
        Row(name: "rotate security key", method: .post, path: "/v1/orgs/acme/os/prod/security-key", allowed: allow(admins, 201)),
        Row(name: "list roles", method: .get, path: "/v1/orgs/acme/roles", allowed: allow(members, 200)),
        Row(name: "show role", method: .get, path: "/v1/orgs/acme/roles/os-viewer", allowed: allow(members, 200)),
        Row(
            name: "create role",
            method: .post,
            path: "/v1/orgs/acme/roles",
            body: ["slug": "runner", "scopes": ["agents:run"]],
            allowed: allow(admins, 201)
        ),
        Row(name: "list bindings", method: .get, path: "/v1/orgs/acme/role-bindings", allowed: allow(members, 200)),
        Row(
            name: "create binding",
            method: .post,
            path: "/v1/orgs/acme/role-bindings",
            body: ["subject": ["user": "target@acme.test"], "role": "os-member", "os": "prod"],
            allowed: allow(admins, 201)
        ),
        Row(name: "list grants", method: .get, path: "/v1/orgs/acme/os/prod/grants", allowed: allow(members, 200)),
        Row(
            name: "create grant",
            method: .post,
            path: "/v1/orgs/acme/os/prod/grants",
            body: ["subject": ["user": "target@acme.test"], "scope": "agents:web-agent:run"],
            allowed: allow(admins, 201)
        ),
        Row(
            name: "own access",
            method: .get,
            path: "/v1/orgs/acme/os/prod/access?user=member@acme.test",
            allowed: [.owner: 200, .admin: 200, .member: 200, .superuser: 200]
        ),
        Row(
            name: "another's access",
            method: .get,
            path: "/v1/orgs/acme/os/prod/access?user=target@acme.test",
            allowed: allow(admins, 200)
        ),
        Row(
            name: "explain",
            method: .post,
            path: "/v1/orgs/acme/os/prod/explain",
            body: ["subject": ["user": "target@acme.test"], "method": "GET", "path": "/agents"],
            allowed: allow(admins, 200)
        ),
        Row(name: "list members", method: .get, path: "/v1/orgs/acme/members", allowed: allow(admins, 200)),
        Row(
            name: "add member",
            method: .post,
            path: "/v1/orgs/acme/members",
            body: ["email": "new@acme.test", "name": "New", "role": "member"],
            allowed: allow(admins, 201)
        ),
        Row(
            name: "change a member's role",
            method: .patch,
            path: "/v1/orgs/acme/members/target@acme.test",
            body: ["role": "member"],
            allowed: allow(admins, 200)
        ),
        Row(
            name: "add an owner",
            method: .post,
            path: "/v1/orgs/acme/members",
            body: ["email": "owner3@acme.test", "name": "Owner 3", "role": "owner"],
            allowed: allow([.owner], 201)
        ),
        Row(
            name: "demote an owner",
            method: .patch,
            path: "/v1/orgs/acme/members/owner2@acme.test",
            body: ["role": "admin"],
            allowed: allow([.superuser], 200, plus: [.owner: 200])
        ),
        Row(
            name: "create service account",
            method: .post,
            path: "/v1/orgs/acme/service-accounts",
            body: ["name": "ci"],
            allowed: allow(admins, 201)
        ),
        Row(name: "list service accounts", method: .get, path: "/v1/orgs/acme/service-accounts", allowed: allow(admins, 200)),
        Row(name: "read audit", method: .get, path: "/v1/orgs/acme/audit", allowed: allow(admins, 200)),
        Row(name: "verify audit chain", method: .get, path: "/v1/orgs/acme/audit/verify", allowed: allow(admins, 200)),
        Row(
            name: "own token",
            method: .post,
            path: "/v1/orgs/acme/os/prod/tokens",
            body: [:],
            allowed: [.owner: 201, .admin: 201, .member: 201, .serviceAccount: 201, .broker: 201, .superuser: 400]
        ),
        Row(
            name: "token for another",
            method: .post,
            path: "/v1/orgs/acme/os/prod/tokens",
            body: ["subject": "target@acme.test"],
            allowed: allow(admins, 201, plus: [.broker: 201])
        ),
        Row(
            name: "revoke tokens",
            method: .post,
            path: "/v1/orgs/acme/os/prod/token-revocations",
            body: ["subject": "target@acme.test"],
            allowed: allow(admins, 200)
        ),
        Row(name: "list invitations", method: .get, path: "/v1/orgs/acme/invitations", allowed: allow(admins, 200)),
        Row(
            name: "re-invite",
            method: .post,
            path: "/v1/orgs/acme/invitations",
            body: ["user": "invitee@acme.test"],
            allowed: allow(admins, 201)
        ),
        Row(
            name: "revoke an invitation",
            method: .delete,
            path: "/v1/orgs/acme/invitations/00000000-0000-4000-8000-000000000000",
            allowed: allow(admins, 404)
        ),
        Row(
            name: "member password reset",
            method: .post,
            path: "/v1/orgs/acme/members/target@acme.test/password-reset",
            allowed: allow(admins, 201)
        ),
        Row(
            name: "any account's password reset",
            method: .post,
            path: "/v1/users/target@acme.test/password-reset",
            allowed: [.superuser: 201, .outsider: 403]
        ),
        Row(
            name: "own account",
            method: .get,
            path: "/v1/me",
            allowed: [
                .owner: 200, .admin: 200, .member: 200, .disabled: 200, .outsider: 200, .superuser: 400, .serviceAccount: 400, .broker: 400,
            ]
        ),
        Row(
            name: "list superuser keys",
            method: .get,
            path: "/v1/admin/keys",
            allowed: [.superuser: 200, .outsider: 403]
        ),
        Row(
            name: "revoke a superuser key",
            method: .delete,
            path: "/v1/admin/keys/00000000-0000-4000-8000-000000000000",
            allowed: [.superuser: 404, .outsider: 403]
        ),
        Row(name: "delete OS", method: .delete, path: "/v1/orgs/acme/os/doomed", allowed: allow(admins, 204)),
        Row(name: "delete org", method: .delete, path: "/v1/orgs/acme", allowed: allow([.owner], 204)),
    ]

    @Test(arguments: Who.allCases)
    func matrix(who: Who) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOrg("other")
            try await cp.makeOS()
            try await cp.makeOS("doomed")
            var users: [Who: String] = [:]
            for role in [Who.owner, .admin, .member, .disabled] {
                users[role] = try await cp.addMember("\(role.rawValue)@acme.test", role: role == .disabled ? "member" : role.rawValue)
            }
            let target = try await cp.addMember("target@acme.test")
            try await cp.addMember("owner2@acme.test", role: "owner")
            try await cp.addMember("invitee@acme.test", join: false)
            users[.outsider] = try await cp.addMember("outsider@acme.test", org: "other")
            #expect(try await cp.send(.patch, "/v1/orgs/acme/members/disabled@acme.test", json: ["disabled": true]).status == 200)
            let plain = try await cp.serviceAccount("plain")
            let broker = try await cp.serviceAccount("broker", broker: true)
            for id in [users[.owner]!, users[.admin]!, users[.member]!, users[.disabled]!, target] {
                try await cp.bind(["user": id], role: "os-viewer")
            }
            for account in [plain, broker] { try await cp.bind(["service_account": account.id], role: "os-viewer") }

            let key: String? =
                switch who {
                case .superuser: nil
                case .serviceAccount: plain.secret
                case .broker: broker.secret
                default: try await cp.apiKey(forUser: users[who]!)
                }
            for row in Self.rows {
                let reply = try await cp.send(row.method, row.path, json: row.body, key: key.map { .some($0) } ?? .none)
                let expected = row.allowed[who] ?? Self.denied(who)
                #expect(reply.status == expected, "\(who) → \(row.name): \(reply.status) \(reply.text)")
            }
        }
    }
}
