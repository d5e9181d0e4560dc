import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// No probing: a stranger cannot tell an unknown organisation from an unknown OS (or,
/// for the PEM, an OS without keys) on the public routes, nor members of an organisation from
/// strangers.
@Suite("No probing through public routes")
struct ProbingTests {
    @Test func unknownOrganisationAndUnknownOSLookAlike() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            #expect(
                try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "keyless", "name": "K", "authorization": false]).status == 201
            )
            // The status list and its key set answer like the PEM: an OS that publishes
            // no key looks like one that does not exist.
            for route in ["public-key", "jwks.json", "status-list", "status-list/jwks.json"] {
                #expect(try await cp.send(.get, "/v1/orgs/acme/os/prod/\(route)", key: .some(nil)).status == 200)
                var answers: [String] = []
                // The keyless OS's JWKS is the one exception: an empty set with 200, so a
                // verifier reads "no key is valid" rather than an outage.
                let paths =
                    ["/v1/orgs/ghost/os/prod/", "/v1/orgs/acme/os/ghost/"] + (route != "jwks.json" ? ["/v1/orgs/acme/os/keyless/"] : [])
                for path in paths {
                    let reply = try await cp.send(.get, path + route, key: .some(nil))
                    #expect(reply.status == 404 && reply.errorCode == "not_found", "\(path)\(route): \(reply.text)")
                    answers.append(reply.text)
                }
                #expect(Set(answers).count == 1, "\(route): \(answers)")
                #expect(!answers[0].contains("ghost") && !answers[0].contains("acme"))
            }
            let keyless = try await cp.send(.get, "/v1/orgs/acme/os/keyless/jwks.json", key: .some(nil))
            #expect(keyless.status == 200 && keyless.text == #"{"keys":[]}"#, "\(keyless.text)")
        }
    }

    @Test func nonMembersSeeTheSameAsForAnUnknownOrganisation() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOrg("other")
            let outsider = try await cp.apiKey(forUser: try await cp.addMember("out@other.test", org: "other"))
            let known = try await cp.send(.get, "/v1/orgs/acme/os", key: .some(outsider))
            let unknown = try await cp.send(.get, "/v1/orgs/acmf/os", key: .some(outsider))
            #expect(known.status == 404 && unknown.status == 404 && known.errorCode == "not_found", "\(known.text)")
            #expect(known.text.replacingOccurrences(of: "acme", with: "acmf") == unknown.text)
        }
    }
}

/// Issuing a token for someone else is audited (it acts for them); one's own token is not.
@Suite("Token issuance for others is audited")
struct TokenAuditTests {
    @Test func tokensForOthersAreInTheChain() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let alice = try await cp.addMember("alice@acme.test")
            try await cp.bind(["user": alice], role: "os-viewer")
            let issued = try await cp.token(["subject": "alice@acme.test"])
            #expect(issued.status == 201)
            #expect(try await cp.token([:], key: try await cp.apiKey(forUser: alice)).status == 201)
            let audit = try await cp.send(.get, "/v1/orgs/acme/audit?limit=500")
            let events = (audit.json["events"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "token.issued" }
            #expect(events.count == 1, "\(events)")
            let details = events.first?["details"] as? [String: String] ?? [:]
            #expect(details["sub"] == alice && details["jti"] == issued.json["jti"] as? String && details["kid"] != nil)
            #expect((events.first?["actor"] as? String)?.hasPrefix("apikey:") == true)
            #expect(try await cp.send(.get, "/v1/orgs/acme/audit/verify").json["verified"] as? Bool == true)
        }
    }

    /// One durable write per token: a token for someone else has its status record and its audit
    /// event committed by one transaction (PostgreSQL's `xmin` names the transaction that wrote a
    /// row), a burst of them included; an own token has its record and no event.
    @Test func aTokensStatusRecordAndAuditEventCommitInOneTransaction() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS()
            let alice = try await cp.addMember("alice@acme.test")
            try await cp.bind(["user": alice], role: "os-viewer")
            let jtis = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<40 { group.addTask { try await cp.token(["subject": alice]).json["jti"] as? String } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1 ?? "") }
            }
            #expect(jtis.count == 40 && !jtis.contains(""))
            let pairs = try await cp.database.query(
                """
                SELECT s.jti, s.xmin::text, a.xmin::text FROM token_status s
                JOIN audit_events a ON a.action = 'token.issued' AND a.details->>'jti' = s.jti
                """,
                logger: TestCluster.logger
            ).decode((String, String, String).self).collect()
            #expect(Set(pairs.map(\.0)) == jtis, "every token has its record and its event")
            let apart = pairs.filter { $0.1 != $0.2 }
            #expect(apart.count == 0, "records and events committed apart: \(apart.count) of \(pairs.count)")
            let own = try await cp.token([:], key: try await cp.apiKey(forUser: alice))
            let ownJTI = try #require(own.json["jti"] as? String)
            let ownRows = try await cp.database.query(
                "SELECT (SELECT count(*) FROM token_status WHERE jti = \(ownJTI)), (SELECT count(*) FROM audit_events WHERE details->>'jti' = \(ownJTI))",
                logger: TestCluster.logger
            ).decode((Int, Int).self).collect()
            #expect(ownRows.first.map { [$0.0, $0.1] } == [1, 0], "an own token: its record, no event")
        }
    }

    /// Delegated tokens are audited in groups (`IssuanceLedger`): a burst of them, for two
    /// organisations at once, leaves every token's event in its own chain, each chain whole.
    @Test func aBurstOfTokensForOthersIsAuditedEventByEvent() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            for org in ["acme", "globex"] {
                try await cp.makeOrg(org)
                _ = try await cp.makeOS(org: org)
                try await cp.bind(["user": try await cp.addMember("alice@\(org).test", org: org)], role: "os-viewer", org: org)
            }
            let jtis = try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for index in 0..<60 {
                    let org = index % 2 == 0 ? "acme" : "globex"
                    group.addTask { (org, try await cp.token(["subject": "alice@\(org).test"], org: org).json["jti"] as? String) }
                }
                return try await group.reduce(into: [String: Set<String>]()) { $0[$1.0, default: []].insert($1.1 ?? "") }
            }
            for org in ["acme", "globex"] {
                let issued = try #require(jtis[org])
                #expect(issued.count == 30 && !issued.contains(""), "\(org): \(issued)")
                let audit = try await cp.send(.get, "/v1/orgs/\(org)/audit?limit=500")
                let events = (audit.json["events"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "token.issued" }
                #expect(Set(events.compactMap { ($0["details"] as? [String: String])?["jti"] }) == issued)
                let seqs = (audit.json["events"] as? [[String: Any]] ?? []).compactMap { $0["seq"] as? Int }
                #expect(Set(seqs).count == seqs.count && seqs.min() == 1 && seqs.max() == seqs.count, "\(org): \(seqs.sorted())")
                #expect(try await cp.send(.get, "/v1/orgs/\(org)/audit/verify").json["verified"] as? Bool == true)
            }
        }
    }
}
