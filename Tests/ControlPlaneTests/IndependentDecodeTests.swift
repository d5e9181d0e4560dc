import Foundation
import Testing

@testable import ControlPlane

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
            #expect(Set(claims.keys) == ["iss", "sub", "aud", "iat", "nbf", "exp", "jti", "scopes", "session_id", "email", "name", "org"])
            #expect(claims["sub"] as? String == user && claims["aud"] as? String == "prod" && claims["iss"] as? String == "https://cp.test")
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
}
