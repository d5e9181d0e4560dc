import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// What a verifier's JWKS fetch tells an admin before activating a key (docs/keys.md, "Staged
/// rotation"; docs/security.md, 3.10): only fetches naming the OS count, the record holds the
/// kids that were served, and a burst writes once.
@Suite("JWKS fetch records")
struct JWKSFetchRecordTests {
    static let jwks = "/v1/orgs/acme/os/prod/jwks.json"

    static func fetch(_ cp: ControlPlaneHarness, naming os: String?) async throws -> ControlPlaneHarness.Reply {
        var headers: HTTPFields = [:]
        if let os { headers[HTTPField.Name("AgentOS-Id")!] = os }
        return try await cp.send(.get, jwks, key: .some(nil), headers: headers)
    }

    static func record(_ cp: ControlPlaneHarness) async throws -> [String: Any]? {
        try await cp.send(.get, "/v1/orgs/acme/os/prod").json["jwks_fetch"] as? [String: Any]
    }

    @Test func aFetchRecordsOnlyWhatWasServed() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("prod")
            // A browser or curl names no OS; a header naming another OS is not this OS's verifier.
            for named in [nil, "other", "PROD"] as [String?] {
                #expect(try await Self.fetch(cp, naming: named).status == 200)
                #expect(try await Self.record(cp) == nil, "\(named ?? "no header") recorded a fetch")
            }
            let staged = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": false])
            let pending = try #require(staged.json["kid"] as? String, "\(staged.text)")
            let served = try await Self.fetch(cp, naming: "prod")
            let kids = (served.json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
            #expect(kids.count == 2 && kids.contains(pending), "\(served.text)")
            let record = try #require(try await Self.record(cp), "the verifier's fetch is recorded")
            #expect(Set(record["kids"] as? [String] ?? []) == Set(kids), "\(record)")
            #expect(record["at"] as? String != nil, "\(record)")
        }
    }

    @Test func aBurstOfFetchesWritesOnce() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("prod")
            cp.clock.freeze()
            #expect(try await Self.fetch(cp, naming: "prod").status == 200)
            let first = try #require(try await Self.record(cp)?["at"] as? String)
            // Within 10 s the same set is not written again, however many fetches come.
            cp.clock.advance(9)
            for _ in 0..<20 { #expect(try await Self.fetch(cp, naming: "prod").status == 200) }
            #expect(try await Self.record(cp)?["at"] as? String == first)
            cp.clock.advance(2)
            #expect(try await Self.fetch(cp, naming: "prod").status == 200)
            let later = try #require(try await Self.record(cp)?["at"] as? String)
            #expect(later != first, "11 s later the fetch is written: \(first) → \(later)")
            // The record's table notifies no replica (0009's triggers would flush every token-path cache).
            let triggers = try await cp.database.query(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'os_jwks_fetches'::regclass AND NOT tgisinternal",
                logger: TestCluster.logger
            ).decode(Int.self).collect()
            #expect(triggers == [0])
        }
    }
}
