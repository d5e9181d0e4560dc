import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

extension SystemTests {
    /// A token decoded by an independent implementation: PyJWT, with only the published PEM.
    @Suite("PyJWT decodes our tokens")
    struct IndependentDecodeTests {
        static let script = """
            import json, sys, jwt
            pem, token, audience = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, pem, algorithms=[header["alg"]], audience=audience, options={"require": ["exp", "iat", "sub"]})
            print(json.dumps({"header": header, "claims": claims}))
            """

        @Test(arguments: ["RS256", "ES256", "EdDSA"])
        func pyjwtAcceptsTheContract(algorithm: String) async throws {
            let python = try await PythonEnvironment.python(installing: "pyjwt[crypto]==2.15.1", marker: "jwt, cryptography")
            try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
                try await cp.makeOrg()
                let pem = try await cp.makeOS(algorithm: algorithm)
                let user = try await cp.addMember("alice@acme.test")
                try await cp.bind(["user": user], role: "os-viewer")
                try await cp.grant(["user": user], "agents:web-agent:run")
                let reply = try await cp.token(["subject": user, "session_id": "chat-7", "ttl_seconds": 300])
                let token = try #require(reply.json["access_token"] as? String)

                let directory = try makeTemporaryDirectory(prefix: "pyjwt")
                defer { try? FileManager.default.removeItem(at: directory) }
                let scriptPath = directory.appendingPathComponent("decode.py").path
                let pemPath = directory.appendingPathComponent("key.pem").path
                try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
                try pem.write(toFile: pemPath, atomically: true, encoding: .utf8)

                let result = try await PythonEnvironment.run(python, [scriptPath, pemPath, token, "prod"])
                #expect(result.status == 0, "\(result.output)")
                let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
                let header = try #require(decoded["header"] as? [String: Any])
                let claims = try #require(decoded["claims"] as? [String: Any])
                #expect(
                    header["alg"] as? String == algorithm && header["typ"] as? String == "at+jwt"
                        && header["kid"] as? String == reply.json["kid"] as? String
                )
                #expect(
                    Set(claims.keys) == [
                        "iss", "sub", "aud", "iat", "nbf", "exp", "jti", "scopes", "session_id", "email", "name", "org", "status",
                    ]
                )
                let status = try #require((claims["status"] as? [String: Any])?["status_list"] as? [String: Any])
                #expect(status["uri"] as? String == "https://cp.test/v1/orgs/acme/os/prod/status-list" && status["idx"] is Int)
                #expect(
                    claims["sub"] as? String == user && claims["aud"] as? String == "prod" && claims["iss"] as? String == "https://cp.test"
                )
                #expect(claims["exp"] as? Int == (claims["iat"] as? Int ?? 0) + 300)
                #expect(claims["scopes"] as? [String] == reply.json["scopes"] as? [String])
                #expect(
                    claims["session_id"] as? String == "chat-7" && claims["org"] as? String == "acme"
                        && claims["email"] as? String == "alice@acme.test"
                )

                // And refuses it for another audience.
                let wrongAudience = try await PythonEnvironment.run(python, [scriptPath, pemPath, token, "staging"])
                #expect(wrongAudience.status != 0 && wrongAudience.output.contains("Audience"))
            }
        }

        static let statusListScript = """
            import base64, json, sys, zlib, jwt
            jwks, pem = open(sys.argv[1]).read(), open(sys.argv[5]).read()
            token, uri, index = sys.argv[2], sys.argv[3], int(sys.argv[4])
            header = jwt.get_unverified_header(token)
            key = jwt.PyJWKSet.from_json(jwks)[header["kid"]]
            claims = jwt.decode(token, key, algorithms=["ES256"], options={"require": ["iat", "exp", "sub"]})
            assert header["typ"] == "statuslist+jwt", header
            # The access-token key must not verify it: the list is no access token (RFC 8725 3.12).
            try:
                jwt.decode(token, pem, algorithms=["RS256", "ES256", "EdDSA"], options={"verify_aud": False})
                raise SystemExit("the access-token key verified the status list")
            except jwt.PyJWTError:
                pass
            assert claims["sub"] == uri, claims
            lst = claims["status_list"]["lst"]
            raw = zlib.decompress(base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4)))
            bit = lambda i: (raw[i // 8] >> (i % 8)) & 1
            print(json.dumps({"bits": claims["status_list"]["bits"], "ttl": claims["ttl"], "size": len(raw) * 8,
                              "revoked": bit(index), "others": sum(bin(b).count("1") for b in raw) - bit(index)}))
            """

        /// The Status List Token read by PyJWT and Python's zlib with only the list's published key
        /// set; the OS's access-token PEM does not verify it.
        @Test(arguments: ["RS256", "ES256", "EdDSA"])
        func pythonReadsTheStatusList(algorithm: String) async throws {
            let python = try await PythonEnvironment.python(installing: "pyjwt[crypto]==2.15.1", marker: "jwt, cryptography")
            try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
                try await cp.makeOrg()
                let pem = try await cp.makeOS(algorithm: algorithm)
                let user = try await cp.addMember("alice@acme.test")
                try await cp.bind(["user": user], role: "os-viewer")
                var tokens: [String] = []
                for _ in 0..<3 { tokens.append(try #require(try await cp.token(["subject": user]).json["access_token"] as? String)) }
                let target = tokens[1]
                let index = try #require(
                    ((jwtPayload(target)["status"] as? [String: Any])?["status_list"] as? [String: Any])?["idx"] as? Int
                )
                let revoked = try await cp.send(.post, "/v1/orgs/acme/os/prod/token-revocations", json: ["token": target])
                #expect(revoked.json["revoked"] as? Int == 1, "\(revoked.text)")
                let list = try await cp.send(.get, "/v1/orgs/acme/os/prod/status-list", key: .some(nil))
                let listKeys = try await cp.send(.get, "/v1/orgs/acme/os/prod/status-list/jwks.json", key: .some(nil))
                #expect(listKeys.status == 200 && listKeys.headers[.contentType] == "application/jwk-set+json", "\(listKeys.text)")

                let directory = try makeTemporaryDirectory(prefix: "statuslist")
                defer { try? FileManager.default.removeItem(at: directory) }
                let scriptPath = directory.appendingPathComponent("list.py").path
                let pemPath = directory.appendingPathComponent("key.pem").path
                let jwksPath = directory.appendingPathComponent("list-keys.json").path
                try Self.statusListScript.write(toFile: scriptPath, atomically: true, encoding: .utf8)
                try pem.write(toFile: pemPath, atomically: true, encoding: .utf8)
                try listKeys.body.write(to: URL(fileURLWithPath: jwksPath))
                let uri = "https://cp.test/v1/orgs/acme/os/prod/status-list"
                let result = try await PythonEnvironment.run(python, [scriptPath, jwksPath, list.text, uri, "\(index)", pemPath])
                #expect(result.status == 0, "\(result.output)")
                let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
                #expect(decoded["bits"] as? Int == 1 && decoded["ttl"] as? Int == 60)
                #expect(decoded["revoked"] as? Int == 1 && decoded["others"] as? Int == 0, "\(decoded)")
                #expect((decoded["size"] as? Int ?? 0) >= 1024)
            }
        }
    }
}
