import AgentOSAuth
import Crypto
import Foundation
import HTTPTypes
import JWTKit
import PostgresNIO
import Testing

@testable import ControlPlane

extension SystemTests {
    @Suite("Key custody: dumps and database commands")
    struct KeyCustodyProcessTests {
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
            let result = try await CLI.run(command[0], Array(command.dropFirst()), environment: ProcessInfo.processInfo.environment)
            #expect(result.status == 0, "pg_dump: \(result.stderr)")
            return try String(contentsOfFile: output, encoding: .utf8)
        }

        @Test func noPrivateKeyInTheDatabaseOrADump() async throws {
            try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
                try await cp.makeOrg()
                for (id, algorithm) in [("r", "RS256"), ("e", "ES256"), ("d", "EdDSA")] {
                    #expect(
                        try await cp.send(
                            .post,
                            "/v1/orgs/acme/os",
                            json: ["id": id, "name": id, "algorithm": algorithm, "verifier": "agentos-auth"]
                        ).status == 201
                    )
                }
                // The private keys, recovered the only way possible: with the KEK.
                var secrets: [Data] = []
                var rowsText = ""
                let rows = try await cp.database.query(
                    "SELECT os_instance, kid, algorithm, private_key_ciphertext, kek_id, t::text FROM signing_keys t",
                    logger: TestCluster.logger
                )
                for try await (os, kid, algorithm, ciphertext, kekID, text) in rows.decode(
                    (UUID, String, String, Data, String, String).self
                ) {
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
}
