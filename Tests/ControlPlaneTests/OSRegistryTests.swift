import AgentOSAuth
import Crypto
import Foundation
import HTTPTypes
import JWTKit
import PostgresNIO
import Testing

@testable import ControlPlane

@Suite("OS registry, signing keys, public keys")
struct OSRegistryTests {
    /// RFC 7638, computed independently of the product code.
    static func thumbprint(_ jwk: [String: String]) -> String {
        let members: [String] =
            switch jwk["kty"] {
            case "RSA": ["e", "kty", "n"]
            case "EC": ["crv", "kty", "x", "y"]
            default: ["crv", "kty", "x"]
            }
        let json = "{" + members.map { "\"\($0)\":\"\(jwk[$0]!)\"" }.joined(separator: ",") + "}"
        return Base64URL.encode(SHA256.hash(data: Data(json.utf8)))
    }

    @Test(arguments: ["RS256", "ES256", "EdDSA"])
    func registerPublishAndSign(algorithm: String) async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let reply = try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod", "algorithm": algorithm])
            #expect(reply.status == 201)
            let signingKey = try #require(reply.json["signing_key"] as? [String: Any])
            let env = try #require(reply.json["env"] as? [String: String])
            let pem = try #require(signingKey["public_key_pem"] as? String)
            let jwk = try #require(signingKey["jwk"] as? [String: String])
            let kid = try #require(signingKey["kid"] as? String)
            #expect(signingKey["alg"] as? String == algorithm)
            #expect(env == ["AGENT_OS_ID": "prod", "JWT_VERIFICATION_KEY": pem])
            #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
            // The PEM parses as the right key type; the JWK describes the same key; kid = thumbprint.
            #expect(try VerificationKey(pem: pem).algorithm.name == algorithm)
            #expect(kid == Self.thumbprint(jwk) && jwk["kid"] == kid && jwk["alg"] == algorithm && jwk["use"] == "sig")

            let publicKey = try await cp.send(.get, "/v1/orgs/acme/os/prod/public-key", key: .some(nil))
            #expect(publicKey.status == 200 && publicKey.text == pem)
            #expect(publicKey.headers[.contentType] == "application/x-pem-file")
            let jwks = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil))
            #expect(jwks.status == 200)
            #expect(jwks.headers[.cacheControl] == "public, max-age=300")

            // A token signed through ControlPlane verifies with only the JWKS, and with only the PEM.
            let claims = AccessTokenClaims(
                issuer: "https://cp.test",
                subject: "user-1",
                audience: "prod",
                issuedAt: Date(),
                lifetime: 600,
                scopes: ["agents:read"]
            )
            let signed = try await cp.service.sign(claims, org: "acme", os: "prod")
            #expect(signed.kid == kid)
            let header = try #require(Base64URL.decode(signed.token.split(separator: ".")[0]))
            let headerJSON = try #require(try JSONSerialization.jsonObject(with: Data(header)) as? [String: Any])
            #expect(
                headerJSON["typ"] as? String == "at+jwt" && headerJSON["kid"] as? String == kid && headerJSON["alg"] as? String == algorithm
            )
            let fromJWKS = try KeySet.parseJWKS(jwks.body)
            let jwksVerifier = try TokenVerifier(keys: KeySet(jwksKeys: fromJWKS.keys), options: .init(audience: "prod"))
            let verified = try await jwksVerifier.verify(signed.token)
            #expect(verified.subject == "user-1" && verified.scopes == ["agents:read"] && verified.keyID == kid)
            // jwt-kit, built from the published JWKS alone, accepts it too.
            let independent = try await JWTKeyCollection().add(jwksJSON: jwks.text)
            let decoded = try await independent.verify(signed.token, as: AccessTokenClaims.self)
            #expect(decoded.sub == "user-1" && decoded.aud == "prod" && decoded.exp - decoded.iat == 600)
            let pemVerifier = try TokenVerifier(keys: KeySet(staticKeys: try KeySet.parsePEMBlocks(pem)), options: .init(audience: "prod"))
            #expect(try await pemVerifier.verify(signed.token).subject == "user-1")
        }
    }

    @Test func enableAuthorizationLaterIsIdempotent() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let reply = try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "dev", "name": "Dev", "authorization": false])
            #expect(reply.status == 201 && reply.json["signing_key"] == nil && reply.json["env"] == nil)
            #expect(try await cp.send(.get, "/v1/orgs/acme/os/dev/public-key", key: .some(nil)).status == 404)
            let first = try await cp.send(.post, "/v1/orgs/acme/os/dev/authorization", json: ["algorithm": "EdDSA"])
            #expect(first.status == 201)
            let again = try await cp.send(.post, "/v1/orgs/acme/os/dev/authorization", raw: "")
            #expect(again.status == 200)
            let kid1 = (first.json["signing_key"] as? [String: Any])?["kid"] as? String
            #expect(kid1 != nil && kid1 == (again.json["signing_key"] as? [String: Any])?["kid"] as? String)
            #expect((try await cp.send(.get, "/v1/orgs/acme/os/dev").json["authorization"] as? Bool) == true)
        }
    }

    func jwksKids(_ cp: ControlPlaneHarness) async throws -> [String] {
        let reply = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil))
        guard reply.status == 200 else { return [] }
        return ((reply.json["keys"] as? [[String: Any]]) ?? []).compactMap { $0["kid"] as? String }.sorted()
    }

    func states(_ cp: ControlPlaneHarness) async throws -> [String: String] {
        let keys = try await cp.send(.get, "/v1/orgs/acme/os/prod/keys").json["keys"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: keys.map { ($0["kid"] as! String, $0["state"] as! String) })
    }

    @Test func rotationRetirementAndRevocation() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let registered = try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            let old = try #require((registered.json["signing_key"] as? [String: Any])?["kid"] as? String)

            let pending = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["algorithm": "ES256"])
            #expect(pending.status == 201 && pending.json["state"] as? String == "pending")
            let new = try #require(pending.json["kid"] as? String)
            #expect(try await jwksKids(cp) == [old, new].sorted())
            #expect(
                try await cp.service.sign(
                    .init(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: []),
                    org: "acme",
                    os: "prod"
                ).kid == old
            )

            let beforeActivation = cp.clock.now()
            let activated = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(new)/activate")
            let afterActivation = cp.clock.now()
            #expect(activated.status == 200 && activated.json["state"] as? String == "active")
            #expect(try await states(cp) == [old: "retiring", new: "active"])
            let keys = try await cp.service.keys(org: "acme", os: "prod")
            let retiring = try #require(keys.first { $0.kid == old })
            // retire_at = activation time + max token lifetime + JWKS max age; bounded by the clock read
            // around the request, so a slow run cannot fail it (the clock is wall time plus an offset).
            let retireAt = try #require(retiring.retireAt)
            #expect(
                retireAt >= beforeActivation.addingTimeInterval(3900).addingTimeInterval(-0.001)
                    && retireAt <= afterActivation.addingTimeInterval(3900).addingTimeInterval(0.001),
                "retire_at = now + max token lifetime + JWKS max age"
            )
            #expect(
                try await cp.service.sign(
                    .init(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: []),
                    org: "acme",
                    os: "prod"
                ).kid == new
            )
            #expect(try await jwksKids(cp) == [old, new].sorted())

            cp.clock.advance(3901)
            #expect(try await jwksKids(cp) == [new])
            #expect(try await states(cp) == [old: "retired", new: "active"])

            let revoked = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(new)/revoke")
            #expect(revoked.status == 200 && revoked.json["state"] as? String == "revoked")
            #expect(try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil)).status == 404)
            await #expect(throws: ControlPlaneError.self) {
                try await cp.service.sign(
                    .init(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: []),
                    org: "acme",
                    os: "prod"
                )
            }
            #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(new)/activate").status == 409)
            let direct = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": true])
            #expect(direct.status == 201 && direct.json["state"] as? String == "active")
        }
    }

    @Test func etagAndNotModified() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            for path in ["/v1/orgs/acme/os/prod/jwks.json", "/v1/orgs/acme/os/prod/public-key"] {
                let first = try await cp.send(.get, path, key: .some(nil))
                let etag = try #require(first.headers[.eTag])
                let second = try await cp.send(.get, path, key: .some(nil), headers: [.ifNoneMatch: etag])
                #expect(second.status == 304 && second.body.isEmpty)
                #expect(try await cp.send(.get, path, key: .some(nil), headers: [.ifNoneMatch: "\"other\""]).status == 200)
            }
        }
    }

    @Test func callersNeedAValidKey() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            #expect(try await cp.send(.get, "/v1/orgs", key: .some(nil)).status == 401)
            #expect(try await cp.send(.get, "/v1/orgs", key: "cpk_not-a-real-key").status == 401)
            #expect(try await cp.send(.get, "/v1/orgs", key: "garbage").status == 401)
            #expect(try await cp.send(.get, "/v1/orgs").status == 200)
            #expect(try await cp.send(.get, "/v1/orgs/nope").status == 404)
            #expect(try await cp.send(.get, "/v1/orgs/nope/os/x/jwks.json", key: .some(nil)).status == 404)
        }
    }

    func counts(_ cp: ControlPlaneHarness) async throws -> [Int] {
        var result: [Int] = []
        for table in ["organizations", "os_instances", "signing_keys", "audit_events"] {
            let rows = try await cp.service.client.query(
                PostgresQuery(unsafeSQL: "SELECT count(*)::int8 FROM \(table)"),
                logger: TestCluster.logger
            )
            for try await count in rows.decode(Int.self) { result.append(count) }
        }
        return result
    }

    @Test func badInputGetsA4xxAndChangesNothing() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            let before = try await counts(cp)
            let cases: [(String, Int, String, ControlPlaneHarness.Reply)] = [
                ("bad OS id", 400, "OS id", try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "-bad id", "name": "x"])),
                (
                    "duplicate OS id", 409, "already registered",
                    try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "x"])
                ),
                (
                    "unknown algorithm", 400, "RS256, ES256, EdDSA",
                    try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "x", "name": "x", "algorithm": "HS256"])
                ),
                ("malformed JSON", 400, "JSON", try await cp.send(.post, "/v1/orgs/acme/os", raw: "{\"id\": ")),
                ("missing field", 400, "name", try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "x"])),
                (
                    "wrong type", 400, "authorization",
                    try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "x", "name": "x", "authorization": "yes"])
                ),
                (
                    "wrong content type", 415, "application/json",
                    try await cp.send(.post, "/v1/orgs/acme/os", raw: "id=x", contentType: "application/x-www-form-urlencoded")
                ),
                (
                    "body over 1 MiB", 413, "1 MiB",
                    try await cp.send(
                        .post,
                        "/v1/orgs/acme/os",
                        raw: "{\"id\":\"x\",\"name\":\"" + String(repeating: "a", count: 1 << 20) + "\"}"
                    )
                ),
                ("unknown org", 404, "nope", try await cp.send(.post, "/v1/orgs/nope/os", json: ["id": "x", "name": "x"])),
                ("bad org slug", 400, "slug", try await cp.send(.post, "/v1/orgs", json: ["slug": "Bad Slug", "name": "x"])),
                ("duplicate org", 409, "exists", try await cp.send(.post, "/v1/orgs", json: ["slug": "acme", "name": "x"])),
                ("bad url", 400, "url", try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "y", "name": "y", "url": "ftp://x"])),
                ("unknown kid", 404, "no key", try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/nope/activate")),
            ]
            for (name, status, fragment, reply) in cases {
                #expect(reply.status == status, "\(name): \(reply.text.prefix(200))")
                let message = (reply.json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains(fragment), "\(name): \(message)")
            }
            #expect(try await counts(cp) == before)
        }
    }

    @Test func noPrivateKeyInTheDatabaseOrADump() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            for (id, algorithm) in [("r", "RS256"), ("e", "ES256"), ("d", "EdDSA")] {
                #expect(try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": id, "name": id, "algorithm": algorithm]).status == 201)
            }
            // The private keys, recovered the only way possible: with the KEK.
            var secrets: [Data] = []
            var rowsText = ""
            let rows = try await cp.service.client.query(
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
            let rows2 = try await cp.service.client.query(
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
        let result: ProcessRunner.Result
        if geteuid() == 0 {
            // pg_dump runs as postgres and must be able to write the file.
            #expect(FileManager.default.createFile(atPath: output, contents: nil, attributes: [.posixPermissions: 0o666]))
            result = try ProcessRunner.run("runuser", ["-u", "postgres", "--", pgDump] + arguments + connection)
        } else {
            result = try ProcessRunner.run(pgDump, arguments + connection)
        }
        #expect(result.status == 0, "pg_dump: \(result.output)")
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    @Test func auditChainDetectsAnEditedRow() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["activate": true])
            try await cp.send(.post, "/v1/orgs/acme/os/prod/security-key")
            let org = try await cp.service.organization("acme")
            let audit = try await cp.send(.get, "/v1/orgs/acme/audit?limit=100")
            let actions = (audit.json["events"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.first == "security_key.rotated")
            #expect(Set(actions).isSuperset(of: ["org.created", "os.registered", "key.created", "key.activated", "key.retiring"]))
            #expect(!audit.text.contains("osk_"), "the security key must not be in the audit trail")
            #expect(try await AuditLog.verifyChain(cp.service.client, org: org.id, logger: TestCluster.logger).firstBroken == nil)
            try await cp.service.client.query(
                "UPDATE audit_events SET target = 'os:evil' WHERE org_id = \(org.id) AND seq = 3",
                logger: TestCluster.logger
            )
            let broken = try await AuditLog.verifyChain(cp.service.client, org: org.id, logger: TestCluster.logger).firstBroken
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
            let rows = try await cp.service.client.query("SELECT key_hash FROM os_security_keys", logger: TestCluster.logger)
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
            let both = ControlPlaneService(
                client: cp.service.client,
                masterKeys: try MasterKeys(base64Keys: [newKEK] + [ControlPlaneHarness.masterKeyBase64]),
                logger: TestCluster.logger
            )
            #expect(try await both.rewrapAllKeys() == 1)
            #expect(try await both.rewrapAllKeys() == 0)
            let onlyNew = ControlPlaneService(
                client: cp.service.client,
                masterKeys: try MasterKeys(base64Keys: [newKEK]),
                logger: TestCluster.logger
            )
            let claims = AccessTokenClaims(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: [])
            #expect(try await onlyNew.sign(claims, org: "acme", os: "prod").algorithm == "ES256")
            // The old KEK alone can no longer open it.
            let onlyOld = ControlPlaneService(
                client: cp.service.client,
                masterKeys: ControlPlaneHarness.masterKeys,
                logger: TestCluster.logger
            )
            await #expect(throws: ControlPlaneError.self) { try await onlyOld.sign(claims, org: "acme", os: "prod") }
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
            #expect(rewrap.stdout.hasPrefix("rewrapped 1 key(s) under KEK "), "\(rewrap.stdout)")
            let onlyNew = ControlPlaneService(
                client: cp.service.client,
                masterKeys: try MasterKeys(base64Keys: [newKEK]),
                logger: TestCluster.logger
            )
            let claims = AccessTokenClaims(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: [])
            #expect(try await onlyNew.sign(claims, org: "acme", os: "prod").algorithm == "RS256")

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
