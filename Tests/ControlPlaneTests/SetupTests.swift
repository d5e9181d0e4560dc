import Crypto
import Foundation
import HTTPTypes
import PostgresNIO
import Testing

@testable import ControlPlane

/// The first owner comes from the terminal (docs/security.md, 3.11): the setup code `serve`
/// prints creates the first organisation and its owner once, within an hour, and only while no
/// organisation exists.
@Suite("First-run setup")
struct SetupTests {
    static func body(_ code: String, slug: String = "acme", email: String = "ada@acme.test") -> [String: Any] {
        [
            "code": code, "organization": ["slug": slug, "name": "Acme"], "email": email, "name": "Ada",
            "password": "correct horse battery staple",
        ]
    }

    static func organizations(_ cp: ControlPlaneHarness) async throws -> [String] {
        try await cp.database.query("SELECT slug FROM organizations ORDER BY slug", logger: TestCluster.logger)
            .decode(String.self).collect()
    }

    @Test func setupNeedsTheCodeFromTheTerminal() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let status = try await cp.send(.get, "/v1/setup", key: .some(nil))
            #expect(status.status == 200 && status.json["open"] as? Bool == true, "\(status.text)")
            let code = try #require(try await cp.services.setup.issueCode())
            for guess in [
                "cpf_" + String(repeating: "0", count: 64), "", String(code.dropLast()) + (code.hasSuffix("x") ? "y" : "x"),
                "cps_" + code.dropFirst(4),
            ] {
                try await cp.expectRefused(
                    .post,
                    "/v1/setup",
                    json: Self.body(guess),
                    key: .some(nil),
                    status: 401,
                    message: "this setup link is unknown, used or expired"
                )
            }
            // A password the rules refuse is a 400, and the code is not spent.
            var weak = Self.body(code)
            weak["password"] = "short"
            try await cp.expectRefused(.post, "/v1/setup", json: weak, key: .some(nil), status: 400, message: "password")

            let done = try await cp.send(.post, "/v1/setup", json: Self.body(code), key: .some(nil))
            #expect(done.status == 201 && done.json["role"] as? String == "owner", "\(done.text)")
            #expect(done.headers[.cacheControl] == "no-store")
            let session = try #require(done.json["token"] as? String)
            let me = try await cp.send(.get, "/v1/me", key: .some(session))
            let memberships = me.json["memberships"] as? [[String: Any]] ?? []
            #expect(memberships.count == 1 && memberships.first?["role"] as? String == "owner", "\(me.text)")
            #expect(try await Self.organizations(cp) == ["acme"])
            let trail = try await cp.send(.get, "/v1/orgs/acme/audit?limit=10", key: .some(session))
            #expect(trail.text.contains(#""actor":"system:setup""#) && trail.text.contains("org.created"), "\(trail.text.prefix(300))")
            #expect(try await cp.send(.get, "/v1/setup", key: .some(nil)).json["open"] as? Bool == false)
        }
    }

    @Test func aCodeWorksOnceAndOnlyWhileNoOrganisationExists() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let first = try #require(try await cp.services.setup.issueCode())
            let second = try #require(try await cp.services.setup.issueCode())
            #expect(try await cp.send(.post, "/v1/setup", json: Self.body(first), key: .some(nil)).status == 201)
            for code in [first, second] {
                try await cp.expectRefused(
                    .post,
                    "/v1/setup",
                    json: Self.body(code, slug: "evil", email: "eve@evil.test"),
                    key: .some(nil),
                    status: 409,
                    message: "setup is done"
                )
            }
            #expect(try await cp.services.setup.issueCode() == nil, "no code once an organisation exists")
            #expect(try await Self.organizations(cp) == ["acme"])
        }
    }

    /// Setup spends every link: deleting the organisation later does not let an old link of
    /// another start make one.
    @Test func setupEndsEveryOtherLink() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let first = try #require(try await cp.services.setup.issueCode())
            let second = try #require(try await cp.services.setup.issueCode())
            #expect(try await cp.send(.post, "/v1/setup", json: Self.body(first), key: .some(nil)).status == 201)
            #expect(try await cp.send(.delete, "/v1/orgs/acme").status == 204)
            #expect(try await cp.send(.get, "/v1/setup", key: .some(nil)).json["open"] as? Bool == true)
            try await cp.expectRefused(
                .post,
                "/v1/setup",
                json: Self.body(second, slug: "evil", email: "eve@evil.test"),
                key: .some(nil),
                status: 401,
                message: "unknown, used or expired"
            )
        }
    }

    @Test func anExpiredCodeIsRefused() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            cp.clock.freeze()
            let code = try #require(try await cp.services.setup.issueCode())
            cp.clock.advance(3601)
            try await cp.expectRefused(.post, "/v1/setup", json: Self.body(code), key: .some(nil), status: 401, message: "expired")
            #expect(try await Self.organizations(cp).isEmpty)
        }
    }

    /// Four setups at once through the router in process: the race is in the database, not the
    /// socket, and a socket client's read timeout fired when the full suite's password hashing
    /// queued these four behind it on NIO's thread pool.
    @Test func concurrentSetupsMakeOneOrganisation() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let code = try #require(try await cp.services.setup.issueCode())
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await cp.send(
                            .post,
                            "/v1/setup",
                            json: Self.body(code, slug: "org\(index)", email: "o\(index)@acme.test"),
                            key: .some(nil)
                        )
                        .status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1 && statuses.allSatisfy { [201, 401, 409].contains($0) }, "\(statuses)")
            #expect(try await Self.organizations(cp).count == 1)
        }
    }

    @Test func theCodeIsStoredHashed() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let code = try #require(try await cp.services.setup.issueCode())
            #expect(code.hasPrefix("cpf_") && code.count >= 4 + 43, "256 bits of randomness at least")
            let stored = try await cp.database.query("SELECT code_hash FROM setup_codes", logger: TestCluster.logger)
                .decode(Data.self).collect()
            #expect(stored == [Data(SHA256.hash(data: Data(code.utf8)))])
            let rows = try await cp.databaseRows()
            #expect(!rows.contains { $0.contains(String(code.dropFirst(4))) }, "the code itself is in no table")
        }
    }
}
