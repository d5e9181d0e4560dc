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
    /// What jwt-kit reads back of an access token, declared apart from `AccessTokenClaims`.
    struct JWTKitClaims: JWTPayload {
        var sub: String
        var aud: String
        var iat: Int
        var exp: Int
        /// The claims are compared by the test itself.
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

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
            let reply = try await cp.send(
                .post,
                "/v1/orgs/acme/os",
                json: ["id": "prod", "name": "Prod", "algorithm": algorithm, "verifier": "agentos-auth"]
            )
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
            let signed = try await cp.services.signingKeys.sign(claims, org: "acme", os: "prod")
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
            let decoded = try await independent.verify(signed.token, as: JWTKitClaims.self)
            #expect(decoded.sub == "user-1" && decoded.aud == "prod" && decoded.exp - decoded.iat == 600)
            let pemVerifier = try TokenVerifier(keys: KeySet(staticKeys: try KeySet.parsePEMBlocks(pem)), options: .init(audience: "prod"))
            #expect(try await pemVerifier.verify(signed.token).subject == "user-1")
        }
    }

    @Test func enableAuthorizationLaterIsIdempotent() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let reply = try await cp.send(
                .post,
                "/v1/orgs/acme/os",
                json: ["id": "dev", "name": "Dev", "authorization": false, "verifier": "agentos-auth"]
            )
            #expect(reply.status == 201 && reply.json["signing_key"] == nil && reply.json["env"] == nil)
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/dev/public-key", key: .some(nil), status: 404, message: "signing key")
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
            let registered = try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod", "verifier": "agentos-auth"])
            let old = try #require((registered.json["signing_key"] as? [String: Any])?["kid"] as? String)

            let pending = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["algorithm": "ES256"])
            #expect(pending.status == 201 && pending.json["state"] as? String == "pending")
            let new = try #require(pending.json["kid"] as? String)
            #expect(try await jwksKids(cp) == [old, new].sorted())
            #expect(
                try await cp.services.signingKeys.sign(
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
            let keys = try await cp.services.signingKeys.keys(of: try await cp.services.signingKeys.publicOS(org: "acme", id: "prod"))
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
                try await cp.services.signingKeys.sign(
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
            // Nothing published is an answer, not an outage: an empty set every verifier reads as "no key".
            let empty = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil))
            #expect(empty.status == 200 && empty.text == #"{"keys":[]}"#, "\(empty.text)")
            #expect(empty.headers[.cacheControl] == "public, max-age=300" && empty.headers[.eTag] != nil)
            await #expect(throws: ControlPlaneError.self) {
                try await cp.services.signingKeys.sign(
                    .init(issuer: "i", subject: "s", audience: "prod", issuedAt: Date(), lifetime: 60, scopes: []),
                    org: "acme",
                    os: "prod"
                )
            }
            try await cp.expectRefused(.post, "/v1/orgs/acme/os/prod/keys/\(new)/activate", status: 409, message: "revoked")
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
            try await cp.expectRefused(.get, "/v1/orgs", key: .some(nil), status: 401)
            try await cp.expectRefused(.get, "/v1/orgs", key: "cpk_not-a-real-key", status: 401)
            try await cp.expectRefused(.get, "/v1/orgs", key: "garbage", status: 401)
            #expect(try await cp.send(.get, "/v1/orgs").status == 200)
            try await cp.expectRefused(.get, "/v1/orgs/nope", status: 404, message: "nope")
            try await cp.expectRefused(.get, "/v1/orgs/nope/os/x/jwks.json", key: .some(nil), status: 404)
        }
    }

    func counts(_ cp: ControlPlaneHarness) async throws -> [Int] {
        var result: [Int] = []
        for table in ["organizations", "os_instances", "signing_keys", "audit_events"] {
            let rows = try await cp.database.query(
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

}
