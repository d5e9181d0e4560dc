import Foundation
import HTTPTypes
import Testing

@testable import ControlPlaneHTTP

/// Members and invitations, served by the generated protocol, answer as their hand-written routes
/// did: the same messages for a bad role or a refused password, and the same headers on the
/// answers that carry a code (shown once).
@Suite("Generated routes: members and invitations")
struct GeneratedMemberRoutesTests {
    static func message(_ reply: ControlPlaneHarness.Reply) -> String {
        (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    @Test func invitingRefusesAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let refusals: [([String: Any], String)] = [
                (["email": "a@acme.test", "name": "A", "role": "boss"], "role must be owner, admin or member"),
                (["email": "a@acme.test", "name": "A", "role": 7], "invalid JSON body: field 'role' has the wrong type"),
                (["email": "a@acme.test", "name": "A"], "invalid JSON body: missing field 'role'"),
                (
                    ["email": "a@acme.test", "name": "A", "role": "member", "password": "chosen for them"],
                    "password is not accepted: nobody sets another person's password; the member chooses one when redeeming the invitation"
                ),
                (
                    ["email": "a@acme.test", "name": "A", "role": "boss", "password": 7],
                    "invalid JSON body: field 'password' has the wrong type"
                ),
            ]
            for (body, expected) in refusals {
                let reply = try await cp.send(.post, "/v1/orgs/acme/members", json: body)
                #expect(reply.status == 400 && reply.errorCode == "invalid_request", "\(body): \(reply.text)")
                #expect(Self.message(reply) == expected, "\(body)")
            }
            let members = try await cp.send(.get, "/v1/orgs/acme/members")
            #expect((members.json["members"] as? [Any])?.isEmpty == true, "nothing was added: \(members.text)")
            let nullPassword = try await cp.send(
                .post,
                "/v1/orgs/acme/members",
                json: ["email": "a@acme.test", "name": "A", "role": "admin", "password": NSNull()]
            )
            #expect(nullPassword.status == 201, "a null password is no password: \(nullPassword.text)")
        }
    }

    @Test func invitationsCarryTheirCodeOnceAndUncached() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let invited = try await cp.send(.post, "/v1/orgs/acme/members", json: ["email": "b@acme.test", "name": "B", "role": "member"])
            #expect(invited.status == 201)
            #expect(invited.headers[.cacheControl] == "no-store" && invited.headers[HTTPField.Name("Pragma")!] == "no-cache")
            #expect(invited.headers[.contentType] == "application/json; charset=utf-8")
            #expect(Set(invited.json.keys) == ["user", "role", "disabled", "created_at", "state", "invitation"], "\(invited.text)")
            #expect(invited.json["state"] as? String == "invited" && invited.json["role"] as? String == "member")
            let invitation = invited.json["invitation"] as? [String: Any] ?? [:]
            #expect(Set(invitation.keys) == ["id", "code", "url", "expires_at"], "\(invited.text)")
            let reissued = try await cp.send(.post, "/v1/orgs/acme/invitations", json: ["user": "b@acme.test"])
            #expect(reissued.status == 201 && reissued.headers[.cacheControl] == "no-store", "\(reissued.text)")
            #expect(reissued.headers[HTTPField.Name("Pragma")!] == "no-cache")
            let open = try await cp.send(.get, "/v1/orgs/acme/invitations")
            let listed = (open.json["invitations"] as? [[String: Any]]) ?? []
            #expect(listed.count == 1 && listed.first?["state"] as? String == "pending", "\(open.text)")
            #expect(Set(listed.first?.keys.map { $0 } ?? []) == ["id", "user", "role", "state", "created_by", "created_at", "expires_at"])
            // Every API answer is no-store (docs/security.md, "Personal data is never cached").
            #expect(open.headers[.cacheControl] == "no-store")
            let badID = try await cp.send(.delete, "/v1/orgs/acme/invitations/not-a-uuid")
            #expect(badID.status == 400 && Self.message(badID) == "id must be a UUID", "\(badID.text)")
            let id = try #require(listed.first?["id"] as? String)
            let revoked = try await cp.send(.delete, "/v1/orgs/acme/invitations/\(id)")
            #expect(revoked.status == 204 && revoked.body.isEmpty)
        }
    }

    @Test func updatingAndRemovingAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.addMember("c@acme.test")
            let empty = try await cp.send(.patch, "/v1/orgs/acme/members/c@acme.test", json: [String: Any]())
            #expect(empty.status == 400 && Self.message(empty) == "give role and/or disabled", "\(empty.text)")
            let badRole = try await cp.send(.patch, "/v1/orgs/acme/members/c@acme.test", json: ["role": "root"])
            #expect(badRole.status == 400 && Self.message(badRole) == "role must be owner, admin or member", "\(badRole.text)")
            let wrongType = try await cp.send(.patch, "/v1/orgs/acme/members/c@acme.test", json: ["disabled": "yes"])
            #expect(Self.message(wrongType) == "invalid JSON body: field 'disabled' has the wrong type", "\(wrongType.text)")
            let promoted = try await cp.send(.patch, "/v1/orgs/acme/members/c@acme.test", json: ["role": "admin"])
            #expect(promoted.status == 200 && promoted.json["role"] as? String == "admin" && promoted.json["state"] as? String == "active")
            let unknown = try await cp.send(.delete, "/v1/orgs/acme/members/nobody@acme.test")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found", "\(unknown.text)")
            let removed = try await cp.send(.delete, "/v1/orgs/acme/members/c@acme.test")
            #expect(removed.status == 204 && removed.body.isEmpty)
        }
    }

    /// Every generated answer carrying a secret sends both headers, as `HTTPFields.noStore` does.
    @Test func otherSecretsAreUncachedToo() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let id = try await cp.addMember("d@acme.test")
            let answers = [
                try await cp.send(.post, "/v1/admin/keys", json: ["name": "second"]),
                try await cp.send(.post, "/v1/users/\(id)/password-reset"),
                try await cp.send(.post, "/v1/orgs/acme/members/\(id)/password-reset"),
                try await cp.send(.post, "/v1/api-keys", json: ["name": "mine"], key: .some(try await cp.apiKey(forUser: id))),
            ]
            for reply in answers {
                #expect(reply.status == 201, "\(reply.text)")
                #expect(reply.headers[.cacheControl] == "no-store" && reply.headers[HTTPField.Name("Pragma")!] == "no-cache")
            }
        }
    }
}
