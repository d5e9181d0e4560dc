import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

/// An OS is handed only what its verifier accepts (docs/security.md, 3.10). The expectations
/// come from Agno 3.1.10's behaviour (docs/agno-compatibility.md: one algorithm, RS256 by
/// default; keys read once at start-up; no JWKS URL) and from the public routes' own answers.
@Suite("OS verifier")
struct OSVerifierTests {
    static let agnoRefusal = "accepts only RS256"

    @Test func aStockAgnoOSTakesOnlyRS256AndNoSchedule() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            // The default verifier is stock Agno, with an RS256 key.
            let made = try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "prod", "name": "Prod"])
            #expect(made.status == 201, "\(made.text)")
            #expect((made.json["os"] as? [String: Any])?["verifier"] as? String == "agno", "\(made.text)")
            #expect((made.json["signing_key"] as? [String: Any])?["alg"] as? String == "RS256", "\(made.text)")

            for algorithm in ["ES256", "EdDSA"] {
                let register = ["id": "e", "name": "E", "algorithm": algorithm]
                try await cp.expectRefused(.post, "/v1/orgs/acme/os", json: register, status: 400, message: Self.agnoRefusal)
                try await cp.expectRefused(
                    .post,
                    "/v1/orgs/acme/os/prod/keys",
                    json: ["algorithm": algorithm],
                    status: 400,
                    message: "The specified alg value is not allowed"
                )
            }
            try await cp.expectRefused(
                .post,
                "/v1/orgs/acme/os",
                json: ["id": "s", "name": "S", "rotation_period": 86_400],
                status: 400,
                message: "reads its key once at start-up"
            )
            try await cp.expectRefused(
                .patch,
                "/v1/orgs/acme/os/prod",
                json: ["rotation_period": 86_400],
                status: 400,
                message: "reads its key once at start-up"
            )
            // Enabling authorization later obeys the same rule.
            let keyless = try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "later", "name": "Later", "authorization": false])
            #expect(keyless.status == 201, "\(keyless.text)")
            try await cp.expectRefused(
                .post,
                "/v1/orgs/acme/os/later/authorization",
                json: ["algorithm": "EdDSA"],
                status: 400,
                message: Self.agnoRefusal
            )
            try await cp.expectRefused(
                .patch,
                "/v1/orgs/acme/os/prod",
                json: ["verifier": "pyjwt"],
                status: 400,
                message: "verifier must be 'agno' (a stock Agno AgentOS) or 'agentos-auth'"
            )
        }
    }

    @Test func switchingVerifierKeepsTheRulesTrue() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            try await cp.makeOS("prod")
            let switched = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["verifier": "agentos-auth"])
            #expect(switched.status == 200 && switched.json["verifier"] as? String == "agentos-auth", "\(switched.text)")
            let staged = try await cp.send(.post, "/v1/orgs/acme/os/prod/keys", json: ["algorithm": "ES256"])
            #expect(staged.status == 201, "\(staged.text)")
            let kid = try #require(staged.json["kid"] as? String)
            // Back to Agno while an ES256 key is published: refused, naming the key.
            try await cp.expectRefused(.patch, "/v1/orgs/acme/os/prod", json: ["verifier": "agno"], status: 409, message: kid)
            #expect(try await cp.send(.post, "/v1/orgs/acme/os/prod/keys/\(kid)/revoke").status == 200)
            // On a schedule: refused too, until the schedule ends.
            #expect(try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["rotation_period": 86_400]).status == 200)
            try await cp.expectRefused(
                .patch,
                "/v1/orgs/acme/os/prod",
                json: ["verifier": "agno"],
                status: 409,
                message: "end the schedule first"
            )
            let both = try await cp.send(.patch, "/v1/orgs/acme/os/prod", json: ["verifier": "agno", "rotation_period": NSNull()])
            #expect(both.status == 200 && both.json["verifier"] as? String == "agno", "\(both.text)")
            let events = try await cp.send(.get, "/v1/orgs/acme/audit?limit=50")
            #expect(events.text.contains(#""verifier":"agno""#), "os.updated names the verifier: \(events.text.prefix(400))")
        }
    }

    /// The environment of each form, checked against what the public routes and a token say.
    @Test func theEnvironmentNamesOnlyWhatTheVerifierReads() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            try await cp.makeOrg()
            let pem = try await cp.makeOS("prod")
            let cors = #"CORS_ORIGIN_LIST='["https://cp.test"]'"#

            let standard = try await cp.send(.get, "/v1/orgs/acme/os/prod/env")
            #expect(standard.status == 200 && standard.json["form"] as? String == "pem", "\(standard.text)")
            let quotedPEM = "\"" + pem.trimmingCharacters(in: .whitespacesAndNewlines) + "\""
            #expect(
                standard.json["env"] as? String == "AGENT_OS_ID=\"prod\"\nJWT_VERIFICATION_KEY=\(quotedPEM)\n\(cors)\n",
                "\(standard.text)"
            )

            let file = try await cp.send(.get, "/v1/orgs/acme/os/prod/env?form=jwks-file")
            #expect(file.json["env"] as? String == "AGENT_OS_ID=\"prod\"\nJWT_JWKS_FILE=\"prod.jwks.json\"\n\(cors)\n", "\(file.text)")
            let files = try #require(file.json["files"] as? [[String: String]])
            let published = try await cp.send(.get, "/v1/orgs/acme/os/prod/jwks.json", key: .some(nil))
            #expect(files.count == 1 && files[0]["name"] == "prod.jwks.json", "\(files)")
            #expect(files.first?["content"] == published.text + "\n", "the file is the published JWKS")

            try await cp.expectRefused(
                .get,
                "/v1/orgs/acme/os/prod/env?form=jwks-url",
                status: 400,
                message: "cannot fetch a JWKS URL"
            )
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/prod/env?form=url", status: 400, message: "pem, jwks-file, jwks-url")

            // This project's verifier: a URL that serves the JWKS, and the issuer its tokens carry.
            try await cp.makeOS("edge", algorithm: "ES256")
            let fetched = try await cp.send(.get, "/v1/orgs/acme/os/edge/env")
            #expect(fetched.json["form"] as? String == "jwks-url", "\(fetched.text)")
            let env = try #require(fetched.json["env"] as? String)
            let lines = env.split(separator: "\n").map(String.init)
            #expect(
                lines.map { String($0.prefix { $0 != "=" }) }
                    == ["AGENT_OS_ID", "JWT_JWKS_URL", "JWT_ISSUER", "JWT_STATUS_LIST_ORIGIN", "CORS_ORIGIN_LIST"],
                "\(env)"
            )
            let url = try #require(lines.first { $0.hasPrefix("JWT_JWKS_URL=") }).dropFirst("JWT_JWKS_URL=\"".count).dropLast()
            #expect(url.hasPrefix("https://cp.test/"), "\(url)")
            let served = try await cp.send(.get, String(url.dropFirst("https://cp.test".count)), key: .some(nil))
            #expect(served.status == 200 && served.text.contains("\"P-256\""), "\(served.text)")
            let alice = try await cp.addMember("alice@acme.test")
            try await cp.bind(["user": alice], role: "os-viewer")
            let token = try await cp.token(["subject": alice], os: "edge")
            let claims = jwtPayload(try #require(token.json["access_token"] as? String, "\(token.text)"))
            #expect(lines.contains("JWT_ISSUER=\"\(claims["iss"] as? String ?? "?")\""), "\(env) vs \(claims)")

            let keyless = try await cp.send(.post, "/v1/orgs/acme/os", json: ["id": "later", "name": "Later", "authorization": false])
            #expect(keyless.status == 201)
            try await cp.expectRefused(.get, "/v1/orgs/acme/os/later/env", status: 409, message: "no active signing key")
        }
    }
}
