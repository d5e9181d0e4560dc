import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// Races the attack on issue #26 found (docs/security.md, 3.10): every OS change decides on the
/// row as of its lock.
@Suite("OS verifier under concurrency")
struct OSVerifierRaceTests {
    /// Two concurrent "enable authorization" calls (a double click): one key, one 201 and one
    /// 200, never a 500 from the one-active-key index.
    @Test func enablingTwiceAtOnceMakesOneKey() async throws {
        try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            for round in 0..<3 {
                let id = "later\(round)"
                #expect(try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": id, "name": id, "authorization": false]).status == 201)
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<2 { group.addTask { try await cp.send(.post, "/v1/orgs/acme/os/\(id)/authorization", json: [:]).status } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.sorted() == [200, 201], "round \(round): \(statuses)")
                let keys = try await cp.send(.get, "/v1/orgs/acme/os/\(id)/keys").json["keys"] as? [[String: Any]] ?? []
                #expect(keys.count == 1, "round \(round): \(keys)")
            }
        }
    }

    /// Concurrent updates of different fields both stay (none writes back a copy read before the other).
    @Test func concurrentUpdatesAreNotLost() async throws {
        try await ControlPlaneHarness.run(live: true) { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("prod")
            for round in 0..<5 {
                let name = "Prod \(round)"
                let url = "https://os\(round).acme.test"
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { _ = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["name": name]) }
                    group.addTask { _ = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["url": url]) }
                    try await group.waitForAll()
                }
                let os = try await cp.send(.get, "/v1/orgs/acme/os/prod").json
                #expect(os["name"] as? String == name && os["url"] as? String == url, "round \(round): \(os)")
            }
        }
    }

    /// A key staged while the OS had another verifier does not sign for stock Agno: the
    /// activation checks the verifier as of its lock (here a database writer made the switch).
    @Test func activationChecksTheVerifierUnderTheLock() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("prod", algorithm: "ES256")
            let staged = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["algorithm": "EdDSA"])
            let kid = try #require(staged.json["kid"] as? String, "\(staged.text)")
            try await cp.database.query("UPDATE os_instances SET verifier = 'agno' WHERE os_id = 'prod'", logger: TestCluster.logger)
            try await cp.expectRefused(
                .post,
                "/v1/orgs/acme/os/prod/keys/\(kid)/activate",
                status: 400,
                message: "accepts only RS256"
            )
        }
    }
}
