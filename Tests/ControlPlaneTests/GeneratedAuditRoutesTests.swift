import Foundation
import HTTPTypes
import Testing

@testable import ControlPlaneHTTP

/// The audit routes, served by the generated protocol, answer as their hand-written routes did:
/// `limit` and `before` are integers in the document, but a bad one is refused with the API's own
/// rule, not the generated decoder's wording.
@Suite("Generated routes: audit")
struct GeneratedAuditRoutesTests {
    static func message(_ reply: ControlPlaneHarness.Reply) -> String {
        (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    @Test(arguments: ["/v1/orgs/acme/audit", "/v1/audit"])
    func pagingRefusesAsBefore(_ path: String) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let refusals = [
                ("limit=abc", "limit must be 1-500"), ("limit=", "limit must be 1-500"), ("limit=0", "limit must be 1-500"),
                ("limit=501", "limit must be 1-500"), ("limit=2.5", "limit must be 1-500"),
                ("limit=99999999999999999999", "limit must be 1-500"),
                ("before=x", "before must be a positive sequence number"), ("before=0", "before must be a positive sequence number"),
                ("before=-3", "before must be a positive sequence number"),
                ("limit=5&before=true", "before must be a positive sequence number"),
            ]
            for (query, expected) in refusals {
                let reply = try await cp.send(.get, "\(path)?\(query)")
                #expect(reply.status == 400 && reply.errorCode == "invalid_request", "\(query): \(reply.text)")
                #expect(Self.message(reply) == expected, "\(query)")
            }
            let page = try await cp.send(.get, "\(path)?limit=1&unrelated=x")
            let events = page.json["events"] as? [[String: Any]] ?? []
            #expect(page.status == 200 && events.count == 1, "\(page.text)")
            #expect(Set(events.first?.keys.map { $0 } ?? []) == ["seq", "at", "actor", "action", "target", "details", "prev_hash", "hash"])
            #expect(events.first?["details"] is [String: Any] && events.first?["seq"] is Int)
            let seq = try #require(events.first?["seq"] as? Int)
            let before = try await cp.send(.get, "\(path)?before=\(seq)&limit=500")
            #expect(
                before.status == 200
                    && (before.json["events"] as? [[String: Any]])?.allSatisfy { ($0["seq"] as? Int ?? .max) < seq } == true
            )
        }
    }

    @Test(arguments: ["/v1/orgs/acme/audit/verify", "/v1/audit/verify"])
    func verificationAnswersAsBefore(_ path: String) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let report = try await cp.send(.get, path)
            #expect(report.status == 200 && report.json["verified"] as? Bool == true, "\(report.text)")
            #expect(Set(report.json.keys) == ["verified", "events", "head"], "\(report.text)")
            let head = try #require(report.json["head"] as? [String: Any])
            let pinned = "\(head["seq"] as? Int ?? 0):\(head["mac"] as? String ?? "")"
            let checked = try await cp.send(.get, "\(path)?expect_head=\(pinned)")
            #expect(checked.status == 200 && checked.json["verified"] as? Bool == true, "\(checked.text)")
            let bad = try await cp.send(.get, "\(path)?expect_head=12")
            #expect(bad.status == 400 && Self.message(bad) == "expect_head must be seq:mac, e.g. 12:<64 lower-case hex digits>")
        }
    }

    /// Hummingbird's reading of a query, which the hand-written routes had, for the generated
    /// decoder: a pair without `=` is an empty value (not a 500), `+` is a plus.
    @Test func oddQueriesAreReadAsBefore() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            for query in ["verbose&limit=1", "limit=+1", "a=1&&limit=1&", "limit=1&limit=abc"] {
                let reply = try await cp.send(.get, "/v1/orgs/acme/audit?\(query)")
                #expect(reply.status == 200 && (reply.json["events"] as? [Any])?.count == 1, "\(query): \(reply.text)")
            }
            let bare = try await cp.send(.get, "/v1/orgs/acme/audit?limit")
            #expect(bare.status == 400 && Self.message(bare) == "limit must be 1-500", "\(bare.text)")
            let head = try await cp.send(.get, "/v1/audit/verify?expect_head")
            #expect(head.status == 400 && Self.message(head).hasPrefix("expect_head must be seq:mac"), "\(head.text)")
        }
        #expect(GeneratedHandlerAdapter.queryAsRead("/v1/audit") == nil)
        #expect(GeneratedHandlerAdapter.queryAsRead("/v1/audit?limit=5&before=9") == nil)
        #expect(GeneratedHandlerAdapter.queryAsRead("/v1/audit?a&&limit=+5") == "/v1/audit?a=&limit=%2B5")
        #expect(GeneratedHandlerAdapter.queryAsRead("/v1/audit?") == nil)
    }

    @Test func theSystemChainIsTheSuperusers() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let key = try await cp.apiKey(forUser: try await cp.addMember("f@acme.test", role: "owner"))
            for path in ["/v1/audit", "/v1/audit/verify"] {
                let refused = try await cp.send(.get, path, key: .some(key))
                #expect(refused.status == 403 && refused.errorCode == "forbidden", "\(path): \(refused.text)")
            }
        }
    }
}
