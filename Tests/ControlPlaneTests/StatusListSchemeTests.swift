import AgentOSAuth
import Foundation
import PostgresNIO
import Testing

@testable import ControlPlane

/// The issuance side of status lists: index blocks, batched records that a revocation never
/// misses, reuse of expired blocks, and the list's encoding.
@Suite("Status lists: indices, records, reuse")
struct StatusListSchemeTests {
    func setUp(_ cp: ControlPlaneHarness) async throws -> String {
        try await cp.makeOrg()
        try await cp.makeOS(algorithm: "ES256")
        let alice = try await cp.addMember("alice@acme.test")
        try await cp.bind(["user": alice], role: "os-viewer")
        return alice
    }

    func revokedCount(_ cp: ControlPlaneHarness) async throws -> Int {
        let list = try await cp.services.statusLists.document(org: "acme", os: "prod")
        let lst = try #require((jwtPayload(list.token)["status_list"] as? [String: Any])?["lst"] as? String)
        let bytes = try ZlibInflater.inflate(try #require(Base64URL.decode(Substring(lst))), maxOutput: 1 << 20)
        return bytes.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    @Test func concurrentIssuanceIsNeverMissedByARevocation() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let alice = try await setUp(cp)
            let access = try await cp.superuserAccess()
            let caller = access.caller
            // 200 tokens issued concurrently, and a revocation by subject as soon as they return:
            // every one is found (its record was committed before the token was handed out).
            let tokens = try await withThrowingTaskGroup(of: IssuedToken.self) { group in
                for _ in 0..<200 {
                    group.addTask { try await cp.services.tokens.issue(caller, org: "acme", os: "prod", request: .init(subject: alice)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let indices = Set(
                tokens.map {
                    (jwtPayload($0.accessToken)["status"] as? [String: Any]).flatMap { $0["status_list"] as? [String: Any] }?["idx"] as? Int
                        ?? -1
                }
            )
            #expect(indices.count == 200 && !indices.contains(-1), "distinct indices")
            let revoked = try await cp.services.statusLists.revoke(access, os: "prod", .subject(alice))
            #expect(revoked == 200)
            #expect(try await revokedCount(cp) == 200)
            let written = cp.services.statusLists.ledger.written
            let batches = cp.services.statusLists.ledger.batches
            #expect(written == 200 && batches >= 1 && batches <= 200)
        }
    }

    @Test func aRecordWrittenAfterARevocationOfItsSubjectIsWrittenRevoked() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let alice = try await setUp(cp)
            let access = try await cp.superuserAccess()
            // Issuance read generation 0 (no revocation yet) but its record arrives after one:
            // the race the generation closes.
            let os = try await cp.services.signingKeys.publicOS(org: "acme", id: "prod")
            let index = try await cp.services.statusLists.allocator.index(os: os.internalID)
            #expect(try await cp.services.statusLists.revoke(access, os: "prod", .subject(alice)) == 0)
            let record = StatusListStore.Record(
                os: os.internalID,
                index: index,
                jti: "late",
                subject: alice,
                expiresAt: Int64(cp.clock.now().timeIntervalSince1970) + 600,
                generation: 0
            )
            try await cp.services.statusLists.ledger.record(IssuanceEntry(status: record))
            #expect(try await revokedCount(cp) == 1)
            // A record that read the current generation is not.
            let fresh = StatusListStore.Record(
                os: os.internalID,
                index: index + 1,
                jti: "fresh",
                subject: alice,
                expiresAt: record.expiresAt,
                generation: 1
            )
            try await cp.services.statusLists.ledger.record(IssuanceEntry(status: fresh))
            #expect(try await revokedCount(cp) == 1)
        }
    }

    @Test func indicesComeInBlocksAndExpiredBlocksAreReused() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            let alice = try await setUp(cp)
            func index() async throws -> Int {
                let token = try #require(try await cp.token(["subject": alice]).json["access_token"] as? String)
                return (jwtPayload(token)["status"] as? [String: Any]).flatMap { $0["status_list"] as? [String: Any] }?["idx"] as? Int ?? -1
            }
            #expect(try await index() == 0)
            #expect(try await index() == 1)
            let os = try await cp.services.signingKeys.publicOS(org: "acme", id: "prod")
            // The lease window passes: the next token starts a new block.
            cp.clock.advance(StatusLists.leaseWindow + 1)
            #expect(try await index() == Int(StatusLists.blockSize))
            // Once every token of the first block has expired (plus the grace), it is leased again
            // and its old records are gone.
            cp.clock.advance(3600 + StatusLists.reuseGrace)
            #expect(try await index() == 0)
            let rows = try await cp.database.query(
                "SELECT count(*) FROM token_status WHERE os_instance = \(os.internalID) AND idx < \(StatusLists.blockSize)",
                logger: TestCluster.logger
            ).decode(Int.self).collect()
            #expect(rows == [1], "only the new token's record remains in the reused block")
            let size = try await cp.services.statusLists.store.snapshot(os: os.internalID, at: cp.clock.now()).size
            #expect(size == 2 * Int(StatusLists.blockSize), "the list is bounded by reuse")
        }
    }

    @Test func theListEncodingFollowsTheDraft() throws {
        // draft §4.1's example: statuses 0, 3, 4, 5, 7, 8, 9, 13, 15 INVALID → 0xB9 0xA3.
        let bytes = StatusLists.bits(size: 16, set: [0, 3, 4, 5, 7, 8, 9, 13, 15])
        #expect(bytes == [0xB9, 0xA3])
        // compress-nio's ZLIB stream, read back by the verifier's own inflater.
        let lst = try StatusLists.compress(bytes)
        #expect(try ZlibInflater.inflate(try #require(Base64URL.decode(Substring(lst))), maxOutput: 16) == bytes)
        var large = [UInt8](repeating: 0, count: 1 << 17)
        for index in stride(from: 7, to: large.count * 8, by: 997) { large[index / 8] |= 1 << UInt8(index % 8) }
        let compressed = try #require(Base64URL.decode(Substring(try StatusLists.compress(large))))
        #expect(try ZlibInflater.inflate(compressed, maxOutput: 1 << 17) == large)
    }

    @Test func issuanceWithStatusListsOffCarriesNoClaim() async throws {
        var settings = ControlPlaneHarness.settings
        settings.statusLists = false
        try await ControlPlaneHarness.run(settings: settings) { (cp: ControlPlaneHarness) async throws in
            let alice = try await setUp(cp)
            let token = try #require(try await cp.token(["subject": alice]).json["access_token"] as? String)
            #expect(jwtPayload(token)["status"] == nil)
        }
    }
}
