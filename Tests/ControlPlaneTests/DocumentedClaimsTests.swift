import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// One test per claim of `docs/api.md`, `docs/access.md` and `docs/decisions.md` that no other
/// test covered.
@Suite("Documented claims")
struct DocumentedClaimsTests {
    @Test func creatorOfAnOrganisationBecomesItsOwner() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let dana = try await cp.addMember("dana@acme.test")
            let key = try await cp.apiKey(forUser: dana)
            let created = try await cp.send(.post, "/v1/orgs", json: ["slug": "danas", "name": "Dana's"], key: .some(key))
            #expect(created.status == 201, "\(created.text)")
            let members = try await cp.send(.get, "/v1/orgs/danas/members", key: .some(key))
            #expect(members.status == 200, "\(members.text)")
            let rows = members.json["members"] as? [[String: Any]] ?? []
            #expect(rows.count == 1)
            #expect((rows.first?["user"] as? [String: Any])?["id"] as? String == dana && rows.first?["role"] as? String == "owner")
            // As owner she may delete it; in acme she is a plain member and may not delete that.
            try await cp.expectRefused(.delete, "/v1/orgs/acme", key: .some(key), status: 403, message: "needs owner")
            #expect(try await cp.send(.delete, "/v1/orgs/danas", key: .some(key)).status == 204)
        }
    }

    @Test func deletingAnOrganisationKeepsItsAuditTrail() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let org = try #require(try await cp.send(.get, "/v1/orgs/acme").json["id"] as? String).lowercased()
            let before = try await cp.send(.get, "/v1/orgs/acme/audit?limit=100").json["events"] as? [[String: Any]] ?? []
            #expect(before.count >= 3)
            #expect(try await cp.send(.delete, "/v1/orgs/acme").status == 204)
            try await cp.expectRefused(.get, "/v1/orgs/acme", status: 404, message: "acme")
            let rows = try await cp.database.query(
                "SELECT action FROM audit_events WHERE org_id = \(UUID(uuidString: org)!) ORDER BY seq",
                logger: TestCluster.logger
            )
            let actions = try await rows.decode(String.self).collect()
            #expect(actions.count == before.count + 1, "\(actions)")
            #expect(actions.first == "org.created" && actions.last == "org.deleted", "\(actions)")
            // Nothing else of it is left.
            let left = try await cp.database.query(
                "SELECT (SELECT count(*) FROM os_instances) + (SELECT count(*) FROM roles WHERE org_id = \(UUID(uuidString: org)!))",
                logger: TestCluster.logger
            )
            #expect(try await left.decode(Int.self).collect() == [0])
        }
    }

    @Test func auditPagesWithBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            for os in ["a", "b", "c", "d"] { try await cp.makeOS(os) }
            func page(_ query: String) async throws -> [Int] {
                let reply = try await cp.send(.get, "/v1/orgs/acme/audit?\(query)")
                #expect(reply.status == 200, "\(reply.text)")
                return (reply.json["events"] as? [[String: Any]] ?? []).compactMap { $0["seq"] as? Int }
            }
            let all = try await page("limit=100")
            #expect(all.count >= 9 && all == all.sorted(by: >), "newest first: \(all)")
            let first = try await page("limit=3")
            #expect(first == Array(all.prefix(3)))
            let second = try await page("limit=3&before=\(first.last!)")
            #expect(second == Array(all.dropFirst(3).prefix(3)))
            let rest = try await page("limit=100&before=\(second.last!)")
            #expect(first + second + rest == all)
            #expect(try await page("limit=100&before=1") == [])
            try await cp.expectRefused(.get, "/v1/orgs/acme/audit?before=soon", status: 400, message: "before")
        }
    }

    @Test func defaultTokenLifetime() async throws {
        // The server's default is an hour; the harness sets 900 s to tell the two apart.
        #expect(ControlPlaneSettings().defaultTokenLifetime == 3600)
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let ed = try await cp.addMember("ed@acme.test")
            try await cp.expectRefusal(403, message: "no scopes") { try await cp.token(["subject": ed]) }
            try await cp.bind(["user": "ed@acme.test"], role: "os-viewer")
            let issued = try await cp.token(["subject": "ed@acme.test"])
            #expect(issued.json["expires_in"] as? Int == 900, "\(issued.text)")
            let claims = jwtPayload(issued.json["access_token"] as? String ?? "")
            #expect((claims["exp"] as? Int).map { $0 - (claims["iat"] as? Int ?? 0) } == 900)
        }
    }

    @Test func removingAMemberRemovesTheirBindingsAndGrants() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let fay = try await cp.addMember("fay@acme.test")
            let gil = try await cp.addMember("gil@acme.test")
            for user in [fay, gil] {
                try await cp.bind(["user": user], role: "os-viewer")
                try await cp.grant(["user": user], "agents:web-agent:run")
            }
            #expect(try await cp.send(.delete, "/v1/orgs/acme/members/fay@acme.test").status == 204)
            let bindings = try await cp.send(.get, "/v1/orgs/acme/role-bindings").json["role_bindings"] as? [[String: Any]] ?? []
            let grants = try await cp.send(.get, "/v1/orgs/acme/os/prod/grants").json["grants"] as? [[String: Any]] ?? []
            func subjects(_ rows: [[String: Any]]) -> [String] { rows.compactMap { ($0["subject"] as? [String: Any])?["id"] as? String } }
            #expect(subjects(bindings) == [gil] && subjects(grants) == [gil], "\(bindings) \(grants)")
            // Added back, fay starts with nothing.
            try await cp.addMember("fay@acme.test")
            try await cp.expectRefusal(403, message: "no scopes") { try await cp.token(["subject": "fay@acme.test"]) }
        }
    }

    @Test func membersExplainForThemselvesOrATokenOnly() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let hal = try await cp.addMember("hal@acme.test")
            let ivy = try await cp.addMember("ivy@acme.test")
            try await cp.grant(["user": hal], "agents:web-agent:run")
            let key = try await cp.apiKey(forUser: hal)
            let request: [String: Any] = ["method": "POST", "path": "/agents/web-agent/runs"]
            let mine = try await cp.send(
                .post,
                "/v1/orgs/acme/os/prod/explain",
                json: request.merging(["subject": ["user": hal]]) { a, _ in a },
                key: .some(key)
            )
            #expect(mine.status == 200 && mine.json["allowed"] as? Bool == true, "\(mine.text)")
            let token = try #require(try await cp.token([:], key: key).json["access_token"] as? String)
            let viaToken = try await cp.send(
                .post,
                "/v1/orgs/acme/os/prod/explain",
                json: request.merging(["token": token]) { a, _ in a },
                key: .some(key)
            )
            #expect(viaToken.status == 200 && viaToken.json["subject"] as? String == hal, "\(viaToken.text)")
            try await cp.expectRefused(
                .post,
                "/v1/orgs/acme/os/prod/explain",
                json: request.merging(["subject": ["user": ivy]]) { a, _ in a },
                key: .some(key),
                status: 403,
                message: "needs admin"
            )
            #expect(try await cp.send(.get, "/v1/orgs/acme/os/prod/access?user=\(hal)", key: .some(key)).status == 200)
            try await cp.expectRefused(
                .get,
                "/v1/orgs/acme/os/prod/access?user=\(ivy)",
                key: .some(key),
                status: 403,
                message: "needs admin"
            )
        }
    }
}
