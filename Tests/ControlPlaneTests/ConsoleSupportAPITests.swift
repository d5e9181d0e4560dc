import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// The routes the console reads so an admin never has to leave it (docs/security.md, 3.12):
/// renaming the organisation, the scope catalogue, what an invitation is for, names in the audit
/// trail.
@Suite("Console support API")
struct ConsoleSupportAPITests {
    @Test func renamingIsAdminsAndInert() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let renamed = try await cp.send(.patch, "/v1/orgs/acme", json: ["name": "Acme Corporation"])
            #expect(renamed.status == 200 && renamed.json["name"] as? String == "Acme Corporation", "\(renamed.text)")
            #expect(renamed.json["slug"] as? String == "acme", "the slug never changes")
            #expect(try await cp.send(.get, "/v1/orgs/acme").json["name"] as? String == "Acme Corporation")
            try await cp.expectRefused(.patch, "/v1/orgs/acme", json: ["name": "Evil\u{1b}[2J"], status: 400, message: "U+001B")
            try await cp.expectRefused(.patch, "/v1/orgs/acme", json: ["name": ""], status: 400, message: "name")
            let trail = try await cp.send(.get, "/v1/orgs/acme/audit?limit=5")
            #expect(trail.text.contains("org.updated") && trail.text.contains("Acme Corporation"), "\(trail.text.prefix(400))")
        }
    }

    /// Agno's Company resources (docs/agno-compatibility.md) are in the catalogue, with the
    /// three families whose scopes name one resource.
    @Test func theScopeCatalogueIsAgnosWithCompany() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let catalog = try await cp.send(.get, "/v1/scope-catalog", key: .some(nil))
            #expect(catalog.status == 200 && catalog.headers[.cacheControl] == "public, max-age=3600", "\(catalog.headers)")
            let company = ["decisions", "products", "projects", "routines", "sources", "tasks", "wiki"]
            #expect(catalog.json["company_resources"] as? [String] == company, "\(catalog.text)")
            let resources = Set(catalog.json["resources"] as? [String] ?? [])
            #expect(resources.isSuperset(of: company + ["agents", "teams", "workflows", "sessions", "memories", "knowledge"]))
            #expect(catalog.json["actions"] as? [String] == ["delete", "read", "run", "write"])
            #expect(catalog.json["per_resource"] as? [String] == ["agents", "teams", "workflows"])
            #expect(catalog.json["admin_scope"] as? String == "agent_os:admin")
        }
    }

    @Test func anInvitationIsDescribedOnlyToItsCodeAndNotSpent() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let invited = try await cp.send(
                .post,
                "/v1/orgs/acme/members",
                json: ["email": "alice@acme.test", "name": "Alice", "role": "admin"]
            )
            let code = try #require((invited.json["invitation"] as? [String: Any])?["code"] as? String, "\(invited.text)")
            let preview = try await cp.send(.post, "/v1/invitations/lookup", json: ["code": code], key: .some(nil))
            #expect(preview.status == 200, "\(preview.text)")
            #expect(preview.json["email"] as? String == "alice@acme.test" && preview.json["role"] as? String == "admin")
            #expect((preview.json["organization"] as? [String: Any])?["name"] as? String == "Acme", "\(preview.text)")
            #expect(preview.headers[.cacheControl] == "no-store")
            // The acceptance's own answer for a code that is not live, whatever the reason.
            let unknown = try await cp.send(
                .post,
                "/v1/invitations/accept",
                json: ["code": "cpi_nope", "name": "X", "password": "x"],
                key: .some(nil)
            )
            let message = try #require((unknown.json["error"] as? [String: Any])?["message"] as? String)
            // One character changed: never the code's own last character (1 time in 64 it was "A").
            let changed = String(code.dropLast()) + (code.hasSuffix("A") ? "B" : "A")
            for guess in ["cpi_nope", changed, "cps_" + code.dropFirst(4)] {
                try await cp.expectRefused(
                    .post,
                    "/v1/invitations/lookup",
                    json: ["code": guess],
                    key: .some(nil),
                    status: 400,
                    message: message
                )
            }
            // Looking did not spend it.
            let accepted = try await cp.send(
                .post,
                "/v1/invitations/accept",
                json: ["code": code, "name": "Alice", "password": "correct horse battery staple"],
                key: .some(nil)
            )
            #expect(accepted.status == 201, "\(accepted.text)")
            try await cp.expectRefused(
                .post,
                "/v1/invitations/lookup",
                json: ["code": code],
                key: .some(nil),
                status: 400,
                message: message
            )
        }
    }

    @Test func auditEventsNamePeople() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let alice = try await cp.addMember("alice@acme.test")
            let robot = try await cp.serviceAccount("robot")
            let trail = try await cp.send(.get, "/v1/orgs/acme/audit?limit=50")
            let events = trail.json["events"] as? [[String: Any]] ?? []
            let added = try #require(events.first { $0["action"] as? String == "member.added" }, "\(trail.text.prefix(500))")
            #expect(added["target"] as? String == "user:\(alice)")
            #expect(added["target_label"] as? String == "Alice <alice@acme.test>", "\(added)")
            let created = try #require(events.first { $0["action"] as? String == "service_account.created" })
            #expect(created["target"] as? String == "svc:\(robot.id)" && created["target_label"] as? String == "robot", "\(created)")
            // The superuser key has no name to show.
            #expect(added["actor_label"] == nil, "\(added)")
            // Names are beside the chain, not in it: it still verifies.
            #expect(try await cp.send(.get, "/v1/orgs/acme/audit/verify").json["verified"] as? Bool == true)
        }
    }
}
