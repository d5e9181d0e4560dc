import AgentOSAuth
import AgentOSAuthTestSupport
import Foundation
import Testing

/// Only access tokens pass (issue #24, findings 3 and 7): a JWT of another kind signed by the same
/// issuer (RFC 8725 §3.11–3.12), or one naming a critical extension this verifier does not
/// understand (RFC 7515 §4.1.11), is refused before its claims are looked at. The messages are
/// PyJWT 2.15's for `crit` (`jwt/api_jws.py`, `_validate_crit`), so Agno and this verifier refuse
/// with the same words.
@Suite("Token kinds: typ and crit")
struct TokenKindTests {
    func gate(_ extra: [String: String] = [:]) throws -> AuthGate {
        var environment = ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID]
        environment.merge(extra) { _, new in new }
        return try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment), onEvent: EventLog().handler)
    }

    func decide(_ gate: AuthGate, _ token: String) async -> (Int, String?) {
        switch await gate.decide(method: "GET", path: "/agents", authorization: "Bearer \(token)") {
        case .excluded: (0, nil)
        case .allowed: (200, nil)
        case .denied(let error): (error.status, error.message)
        }
    }

    static func admin(header: [String: Any]) -> String {
        TestTokens.make(header: header) { $0["scopes"] = ["agent_os:admin"] }
    }

    /// What Agno's control plane, PyJWT and this control plane put in `typ`, and none.
    @Test(arguments: ["at+jwt", "application/at+jwt", "AT+JWT", "JWT", "jwt", nil] as [String?])
    func accessTokenTypesPass(type: String?) async throws {
        let token = type.map { Self.admin(header: ["typ": $0]) } ?? Self.withoutType()
        #expect(await decide(try gate(), token) == (200, nil))
    }

    @Test(arguments: ["statuslist+jwt", "application/statuslist+jwt", "logout+jwt", "secevent+jwt", "JOSE"])
    func otherKindsAreRefused(type: String) async throws {
        let token = Self.admin(header: ["typ": type])
        #expect(await decide(try gate(), token) == (401, "Invalid token: typ '\(type)' is not an access token's"))
    }

    @Test func aTypeThatIsNoStringIsRefused() async throws {
        #expect(await decide(try gate(), Self.admin(header: ["typ": 1])) == (401, "Invalid token: typ must be a string"))
    }

    @Test func strictModeWantsAtJWT() async throws {
        let gate = try gate(["AGENTOS_AUTH_REQUIRE_AT_JWT": "true"])
        #expect(await decide(gate, Self.admin(header: ["typ": "at+jwt"])) == (200, nil))
        #expect(await decide(gate, Self.admin(header: ["typ": "JWT"])) == (401, "Invalid token: typ 'JWT' is not an access token's"))
        #expect(await decide(gate, Self.withoutType()) == (401, "Invalid token: typ must be at+jwt"))
    }

    @Test func criticalExtensionsAreRefused() async throws {
        let gate = try gate()
        let cases: [(Any, String)] = [
            (["x-unknown"], "Invalid token: Unsupported critical extension: x-unknown"),
            (["b64"], "Invalid token: Unsupported critical extension: b64"),
            ([] as [String], "Invalid token: Invalid 'crit' header: must be a non-empty list"),
            ("x-unknown", "Invalid token: Invalid 'crit' header: must be a non-empty list"),
            ([1], "Invalid token: Invalid 'crit' header: values must be strings"),
        ]
        for (crit, message) in cases {
            let token = Self.admin(header: ["crit": crit, "x-unknown": true, "b64": true])
            #expect(await decide(gate, token) == (401, message), "\(crit)")
        }
    }

    /// A token whose header has no `typ` at all.
    static func withoutType() -> String {
        var claims = TestTokens.baseClaims()
        claims["scopes"] = ["agent_os:admin"]
        let payload = String(decoding: try! JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]), as: UTF8.self)
        return TestTokens.signRaw(header: #"{"alg":"RS256"}"#, payload: payload)
    }
}
