import AgentOSAuth
import Crypto
import Foundation
import HTTPTypes
import JWTKit
import PostgresNIO
import Testing

@testable import ControlPlane

/// Key custody and what is stored: private keys only sealed, secrets only hashed, the audit chain
/// tamper-evident, and re-sealing under a new KEK from the command line.
@Suite("Key custody and stored secrets")
struct KeyCustodyTests {
    @Test func noPrivateKeyInTheDatabaseOrADump() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            for (id, algorithm) in [("r", "RS256"), ("e", "ES256"), ("d", "EdDSA")] {
                #expect(try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": id, "name": id, "algorithm": algorithm]).status == 201)
            }
            // The private keys, recovered the only way possible: with the KEK.
            var secrets: [Data] = []
            var rowsText = ""
            let rows = try await cp.database.query(
                "SELECT os_instance, kid, algorithm, private_key_ciphertext, kek_id, t::text FROM signing_keys t",
                logger: TestCluster.logger
            )
            for try await (os, kid, algorithm, ciphertext, kekID, text) in rows.decode((UUID, String, String, Data, String, String).self) {
                let secret = try ControlPlaneHarness.masterKeys.open(
                    ciphertext,
                    aad: KeyMaterial.aad(osInstance: os, kid: kid, algorithm: algorithm),
                    kekID: kekID
                )
                #expect(!secret.isEmpty)
                #expect(ciphertext.range(of: secret) == nil)
                secrets.append(secret)
                rowsText += text
            }
            #expect(secrets.count == 3)
            #expect(!rowsText.contains("PRIVATE KEY"))

            let dump = try await pgDump(cp.databaseName)
            #expect(dump.contains("signing_keys"), "the dump should contain the table")
            #expect(!dump.contains("PRIVATE KEY"))
            for secret in secrets {
                let hex = secret.map { String(format: "%02x", $0) }.joined()
                #expect(!dump.contains(hex) && !dump.contains(secret.base64EncodedString()))
                #expect(!rowsText.contains(hex))
            }
            // A changed binding (another OS's AAD) does not decrypt.
            let rows2 = try await cp.database.query(
                "SELECT kid, algorithm, private_key_ciphertext, kek_id FROM signing_keys LIMIT 1",
                logger: TestCluster.logger
            )
            let sample = try await rows2.decode((String, String, Data, String).self).collect()
            let (kid, algorithm, ciphertext, kekID) = try #require(sample.first)
            #expect(throws: ControlPlaneError.self) {
                try ControlPlaneHarness.masterKeys.open(
                    ciphertext,
                    aad: KeyMaterial.aad(osInstance: UUID(), kid: kid, algorithm: algorithm),
                    kekID: kekID
                )
            }
        }
    }

    func pgDump(_ database: String) async throws -> String {
        let connection = try await TestCluster.server().dumpArguments(database)
        let binaries = try PostgresBinaries.locate()
        let pgDump = URL(fileURLWithPath: binaries.pgCtl).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent(
            "pg_dump"
        ).path
        let output = NSTemporaryDirectory() + "dump-\(UUID().uuidString).sql"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let arguments = ["--no-owner", "-f", output]
        let command: [String]
        if geteuid() == 0 {
            // pg_dump runs as postgres and must be able to write the file.
            #expect(FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o666]))
            command = ["runuser", "-u", "postgres", "--", pgDump] + arguments + connection
        } else {
            command = [pgDump] + arguments + connection
        }
        // Waited for off the cooperative pool, which the in-process servers need meanwhile.
        let result = try await onOwnThread { try ProcessRunner.run(command[0], Array(command.dropFirst())) }
        #expect(result.status == 0, "pg_dump: \(result.output)")
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    @Test func auditChainDetectsAnEditedRow() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": true])
            try await cp.send(.post, "/v1/orgs/acme/os/prod/security-key")
            let org = try await cp.services.organizations.find(slug: "acme")
            let audit = try await cp.send(.get, "/v1/orgs/acme/audit?limit=100")
            let actions = (audit.json["events"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.first == "security_key.rotated")
            #expect(Set(actions).isSuperset(of: ["org.created", "os.registered", "key.created", "key.activated", "key.retiring"]))
            #expect(!audit.text.contains("osk_"), "the security key must not be in the audit trail")
            #expect(try await cp.services.audit.verify(try await cp.superuserAccess()).firstBroken == nil)
            try await cp.database.query(
                "UPDATE audit_events SET target = 'os:evil' WHERE org_id = \(org.id) AND seq = 3",
                logger: TestCluster.logger
            )
            let broken = try await cp.services.audit.verify(try await cp.superuserAccess()).firstBroken
            #expect(broken?.seq == 3)
        }
    }

    @Test func securityKeyIsShownOnceAndStoredHashed() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            let first = try await cp.send(.post, "/v1/orgs/acme/os/prod/security-key")
            let key = try #require(first.json["security_key"] as? String)
            #expect(first.status == 201 && key.count >= 43)
            let second = try await cp.send(.post, "/v1/orgs/acme/os/prod/security-key")
            #expect(second.json["security_key"] as? String != key)
            let rows = try await cp.database.query("SELECT key_hash FROM os_security_keys", logger: TestCluster.logger)
            // Exactly one row (the second key replaced the first), holding only its hash.
            let hashes = try await rows.decode(Data.self).collect()
            let current = try #require(second.json["security_key"] as? String)
            #expect(hashes == [Data(SHA256.hash(data: Data(current.utf8)))])
        }
    }

    @Test func rewrapMovesEveryKeyToTheFirstKEK() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod", "algorithm": "ES256"])
            let newKEK = MasterKeys.generate()
            let both = ControlPlaneServices(
                client: cp.database,
                masterKeys: try MasterKeys(base64Keys: [newKEK] + [ControlPlaneHarness.masterKeyBase64]),
                logger: TestCluster.logger
            )
            #expect(try await both.signingKeys.rewrapAll() == 1)
            #expect(try await both.signingKeys.rewrapAll() == 0)
            let onlyNew = ControlPlaneServices(
                client: cp.database,
                masterKeys: try MasterKeys(base64Keys: [newKEK]),
                logger: TestCluster.logger
            )
            let claims = AccessTokenClaims(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: [])
            #expect(try await onlyNew.signingKeys.sign(claims, org: "acme", os: "prod").algorithm == .es256)
            // The old KEK alone can no longer open it.
            let onlyOld = ControlPlaneServices(
                client: cp.database,
                masterKeys: ControlPlaneHarness.masterKeys,
                logger: TestCluster.logger
            )
            await #expect(throws: ControlPlaneError.self) { try await onlyOld.signingKeys.sign(claims, org: "acme", os: "prod") }
        }
    }

    /// The commands that work on the database, not over HTTP, run as the built binary: `migrate`,
    /// `keys rewrap` (under a new first KEK) and `admin-key create` (the printed key works).
    @Test func databaseCommandsRunOnTheDatabase() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            let newKEK = MasterKeys.generate()
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("POSTGRES_") && $0.key != "DATABASE_URL" }
            environment.merge(try await TestCluster.server().cliEnvironment(cp.databaseName)) { _, new in new }
            environment["CONTROL_PLANE_MASTER_KEYS"] = newKEK + "," + ControlPlaneHarness.masterKeyBase64
            environment["CONTROL_PLANE_MIGRATIONS_DIR"] = TestCluster.migrationsDirectory.path

            let migrate = try await CLI.run(["migrate"], environment: environment)
            #expect(migrate.status == 0, "\(migrate.stderr)")
            let rewrap = try await CLI.run(["keys", "rewrap"], environment: environment)
            #expect(rewrap.status == 0, "\(rewrap.stderr)")
            #expect(rewrap.stdout.hasPrefix("rewrapped 1 signing key(s) and 0 status-list key(s) under KEK "), "\(rewrap.stdout)")
            let onlyNew = ControlPlaneServices(
                client: cp.database,
                masterKeys: try MasterKeys(base64Keys: [newKEK]),
                logger: TestCluster.logger
            )
            let claims = AccessTokenClaims(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: [])
            #expect(try await onlyNew.signingKeys.sign(claims, org: "acme", os: "prod").algorithm == .rs256)

            let created = try await CLI.run(["admin-key", "create", "--name", "ops"], environment: environment)
            #expect(created.status == 0, "\(created.stderr)")
            let key = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(key.hasPrefix("cpk_"))
            #expect(try await cp.send(.get, "/v1/orgs", key: key).status == 200)
            for output in [migrate, rewrap, created] {
                #expect(
                    !(output.stdout + output.stderr).contains(newKEK)
                        && !(output.stdout + output.stderr).contains(ControlPlaneHarness.masterKeyBase64)
                )
            }
        }
    }
}
