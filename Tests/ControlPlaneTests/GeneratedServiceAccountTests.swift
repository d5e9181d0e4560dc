import Foundation
import HTTPTypes
import Testing

@testable import ControlPlaneHTTP

/// Service accounts, served by the generated protocol, answer as their hand-written routes did:
/// the secret once with `Cache-Control: no-store` (and, as ever, no `Pragma`), the same refusals.
@Suite("Generated routes: service accounts")
struct GeneratedServiceAccountTests {
    @Test func serviceAccountsAnswerAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let created = try await cp.send(.post, "/v1/orgs/acme/service-accounts", json: ["name": "ci", "token_broker": true])
            #expect(created.status == 201, "\(created.text)")
            #expect(created.headers[.cacheControl] == "no-store" && created.headers[HTTPField.Name("Pragma")!] == nil)
            #expect(
                Set(created.json.keys) == ["id", "name", "client_id", "client_secret", "token_broker", "created_at"],
                "\(created.text)"
            )
            #expect(created.json["token_broker"] as? Bool == true)
            let listed = try await cp.send(.get, "/v1/orgs/acme/service-accounts")
            let accounts = listed.json["service_accounts"] as? [[String: Any]] ?? []
            #expect(accounts.count == 1 && accounts.first?["client_secret"] == nil && listed.headers[.cacheControl] == "no-store")
            let refusals: [(String, [String: Any], String)] = [
                ("missing name", ["token_broker": true], "invalid JSON body: missing field 'name'"),
                ("wrong type", ["name": "x", "token_broker": "yes"], "invalid JSON body: field 'token_broker' has the wrong type"),
            ]
            for (what, body, message) in refusals {
                let reply = try await cp.send(.post, "/v1/orgs/acme/service-accounts", json: body)
                #expect(reply.status == 400 && (reply.json["error"] as? [String: Any])?["message"] as? String == message, "\(what)")
            }
            let badID = try await cp.send(.delete, "/v1/orgs/acme/service-accounts/nope")
            #expect(badID.status == 400 && badID.text.contains("service account id must be a UUID"), "\(badID.text)")
            let id = try #require(created.json["id"] as? String)
            let revoked = try await cp.send(.delete, "/v1/orgs/acme/service-accounts/\(id)")
            #expect(revoked.status == 204 && revoked.body.isEmpty)
            let after = try await cp.send(.get, "/v1/orgs/acme/service-accounts")
            #expect((after.json["service_accounts"] as? [[String: Any]])?.first?["revoked_at"] is String, "\(after.text)")
        }
    }

    /// Service accounts are an admin's (docs/access.md); a member's refusal says what it refused.
    @Test func aMemberIsRefusedServiceAccountsByName() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let created = try await cp.send(.post, "/v1/orgs/acme/service-accounts", json: ["name": "ci"])
            let id = try #require(created.json["id"] as? String, "\(created.text)")
            let member = try await cp.apiKey(forUser: try await cp.addMember("mia@acme.test"))
            let calls: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "/v1/orgs/acme/service-accounts", nil),
                (.post, "/v1/orgs/acme/service-accounts", ["name": "sneaky"]),
                (.delete, "/v1/orgs/acme/service-accounts/\(id)", nil),
            ]
            for (method, path, body) in calls {
                try await cp.expectRefused(
                    method,
                    path,
                    json: body,
                    key: .some(member),
                    status: 403,
                    message: "service accounts",
                    note: "\(method) \(path): "
                )
            }
        }
    }
}
