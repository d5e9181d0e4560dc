import Foundation
import HTTPTypes
import Testing

@testable import ControlPlaneHTTP

/// Effective access, explain and deleting a role, served by the generated protocol, answer as
/// their hand-written routes did: the same subject rule and message, the same refusal of a bad
/// `force`, query values read as Hummingbird read them.
@Suite("Generated routes: effective access, explain, deleting a role")
struct GeneratedAccessRoutesTests {
    static let subjectRule = #"subject must be {"user": id-or-email} or {"service_account": id}"#

    static func message(_ reply: ControlPlaneHarness.Reply) -> String {
        (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    @Test func effectiveAccessAnswersAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let id = try await cp.addMember("g+ops@acme.test")
            try await cp.bind(["user": id], role: "os-admin")
            let account = try await cp.serviceAccount("robot")
            for query in ["", "?user=\(id)&service_account=\(account.id)", "?other=1"] {
                let reply = try await cp.send(.get, "/v1/orgs/acme/os/prod/access\(query)")
                #expect(reply.status == 400 && Self.message(reply) == Self.subjectRule, "\(query): \(reply.text)")
            }
            // `+` is a plus, as Hummingbird read it: the address, not "g ops@…".
            let byEmail = try await cp.send(.get, "/v1/orgs/acme/os/prod/access?user=g+ops@acme.test")
            #expect(byEmail.status == 200 && Set(byEmail.json.keys) == ["subject", "scopes", "granted_by"], "\(byEmail.text)")
            #expect((byEmail.json["subject"] as? [String: Any])?["id"] as? String == id)
            let grantedBy = byEmail.json["granted_by"] as? [[String: Any]] ?? []
            #expect(!grantedBy.isEmpty && grantedBy.allSatisfy { Set($0.keys) == ["scope", "sources"] }, "\(byEmail.text)")
            let source = (grantedBy.first?["sources"] as? [[String: Any]])?.first ?? [:]
            #expect(Set(source.keys) == ["kind", "id", "role"] && source["kind"] as? String == "role", "\(source)")
            let robot = try await cp.send(.get, "/v1/orgs/acme/os/prod/access?service_account=\(account.id)")
            #expect(robot.status == 200 && (robot.json["scopes"] as? [String]) == [], "\(robot.text)")
            let unknownOS = try await cp.send(.get, "/v1/orgs/acme/os/nope/access?user=\(id)")
            #expect(unknownOS.status == 404 && unknownOS.errorCode == "not_found", "\(unknownOS.text)")
        }
    }

    @Test func explainAnswersAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let id = try await cp.addMember("h@acme.test")
            let path = "/v1/orgs/acme/os/prod/explain"
            let refusals: [([String: Any], String)] = [
                (["path": "/agents"], "invalid JSON body: missing field 'method'"),
                (["method": "GET", "path": "/agents", "subject": [String: Any]()], Self.subjectRule),
                (["method": "GET", "path": "/agents", "subject": ["user": id, "service_account": id]], Self.subjectRule),
                (
                    ["method": "GET", "path": "/agents", "subject": ["user": 7]],
                    "invalid JSON body: field 'subject.user' has the wrong type"
                ),
            ]
            for (body, expected) in refusals {
                let reply = try await cp.send(.post, path, json: body)
                #expect(reply.status == 400 && Self.message(reply) == expected, "\(body): \(reply.text)")
            }
            let denied = try await cp.send(.post, path, json: ["method": "GET", "path": "/agents", "subject": ["user": id]])
            #expect(denied.status == 200 && denied.json["allowed"] as? Bool == false, "\(denied.text)")
            #expect(Set(denied.json.keys) == ["allowed", "status", "required_scopes", "matched_scopes", "granted_by", "detail", "subject"])
            try await cp.bind(["user": id], role: "os-admin")
            let allowed = try await cp.send(.post, path, json: ["method": "GET", "path": "/agents", "subject": ["user": id]])
            #expect(allowed.status == 200 && allowed.json["allowed"] as? Bool == true && allowed.json["detail"] == nil, "\(allowed.text)")
            #expect(allowed.json["granted_by"] is [String: Any] && allowed.json["subject"] as? String == id, "\(allowed.text)")
        }
    }

    @Test func deletingARoleReadsForceAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let created = try await cp.send(
                .post,
                "/v1/orgs/acme/roles",
                json: ["slug": "reader", "name": "Reader", "scopes": ["agents:read"]]
            )
            #expect(created.status == 201, "\(created.text)")
            try await cp.bind(["user": try await cp.addMember("i@acme.test")], role: "reader")
            for query in ["?force=yes", "?force", "?force=TRUE", "?force=1"] {
                let reply = try await cp.send(.delete, "/v1/orgs/acme/roles/reader\(query)")
                #expect(reply.status == 400 && Self.message(reply) == "force must be true or false", "\(query): \(reply.text)")
            }
            for query in ["", "?force=false"] {
                let bound = try await cp.send(.delete, "/v1/orgs/acme/roles/reader\(query)")
                #expect(bound.status == 409 && bound.errorCode == "conflict", "\(query): \(bound.text)")
            }
            let forced = try await cp.send(.delete, "/v1/orgs/acme/roles/reader?force=true")
            #expect(forced.status == 204 && forced.body.isEmpty, "\(forced.text)")
            try await cp.expectRefused(.get, "/v1/orgs/acme/roles/reader", status: 404, message: "reader")
        }
    }
}
