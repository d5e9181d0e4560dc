import AgentOSAuth
import AgentOSAuthTestSupport
import Foundation
import Testing

/// A missing or mistyped setting never yields an open OS, and the switches that relax checks do
/// exactly what they say (`AGENTOS_AUTHORIZATION`, `AGENTOS_ADMIN_SCOPE`, `AGENTOS_AUTH_DISABLED`).
@Suite("Fail closed, and the authorization switches")
struct FailClosedTests {
    static let noSource = AgentOSAuthError(
        .invalidConfiguration,
        "no credential source: set JWT_VERIFICATION_KEY, JWT_JWKS_FILE or JWT_JWKS_URL (or OS_SECURITY_KEY); "
            + "to run an OS without authentication on purpose, set AGENTOS_AUTH_DISABLED=true"
    )

    func decide(_ gate: AuthGate, _ path: String, method: String = "GET", token: String?) async -> (Int, String?, Principal?) {
        switch await gate.decide(method: method, path: path, authorization: token.map { "Bearer \($0)" }) {
        case .excluded: (0, nil, nil)
        case .allowed(let principal): (200, nil, principal)
        case .denied(let error): (error.status, error.message, nil)
        }
    }

    @Test(arguments: [
        [:], ["JWT_VERIFICATON_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": "os"],  // a typo in the variable name
        ["AGENTOS_AUTHORIZATION": "false"], ["AGENT_OS_ID": "os", "JWT_ISSUER": "https://cp.example.test"],
        ["AGENTOS_AUTH_DISABLED": "false"],
    ])
    func noCredentialSourceRefusesToStart(environment: [String: String]) throws {
        let configuration = try AgentOSAuthConfiguration(environment: environment)
        #expect(throws: Self.noSource) { try AuthGate(configuration: configuration) }
    }

    @Test func aConfigurationBuiltInCodeWithoutKeysIsRefusedToo() {
        #expect(throws: Self.noSource) { try AuthGate(configuration: AgentOSAuthConfiguration()) }
    }

    @Test func disabledRunsOpenAndSaysSoLoudly() async throws {
        let events = EventLog()
        let gate = try AuthGate(
            configuration: try AgentOSAuthConfiguration(environment: ["AGENTOS_AUTH_DISABLED": "true"]),
            onEvent: events.handler
        )
        #expect(gate.authMode == .none)
        #expect(
            events.messages(.error) == ["AGENTOS_AUTH_DISABLED=true: authentication is off, every request is served without a credential"]
        )
        let (status, _, principal) = await decide(gate, "/sessions", method: "DELETE", token: nil)
        #expect(status == 200)
        #expect(principal?.mode == Principal.AuthMode.none && principal?.enforcesScopes == false)
    }

    @Test(arguments: [["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": "os"], ["OS_SECURITY_KEY": "secret"]])
    func disabledTogetherWithACredentialSourceIsRefused(keys: [String: String]) throws {
        let configuration = try AgentOSAuthConfiguration(environment: keys.merging(["AGENTOS_AUTH_DISABLED": "true"]) { $1 })
        #expect {
            try AuthGate(configuration: configuration)
        } throws: { error in
            (error as? AgentOSAuthError)?.code == .invalidConfiguration
                && "\(error)".contains("AGENTOS_AUTH_DISABLED=true is set together with")
        }
    }

    @Test func aVerifierThatChecksTheAudienceNeedsOne() throws {
        let keys = KeySet(staticKeys: [try VerificationKey(pem: TestTokens.rsa1PEM)])
        #expect(
            throws: AgentOSAuthError(
                .invalidConfiguration,
                "the audience is verified but none is set: give Options.audience (the OS id) or set verifyAudience to false"
            )
        ) {
            try TokenVerifier(keys: keys)
        }
        // Explicitly off is allowed (Agno's default), and then any aud passes.
        let lenient = try TokenVerifier(keys: keys, options: .init(verifyAudience: false))
        _ = lenient
    }

    @Test func withoutAuthorizationAValidTokenReachesEveryRouteButAnInvalidOneDoesNot() async throws {
        let environment = ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID, "AGENTOS_AUTHORIZATION": "false"]
        let gate = try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment))
        let noScopes = TestTokens.make()
        for (method, path) in [
            ("GET", "/sessions"), ("DELETE", "/sessions/s1"), ("POST", "/agents/web-agent/runs"), ("GET", "/no-such-route"),
        ] {
            let (status, _, principal) = await decide(gate, path, method: method, token: noScopes)
            #expect(status == 200, "\(method) \(path)")
            #expect(principal?.enforcesScopes == false)
            // Handler checks pass too, as in Agno with authorization=False.
            #expect(throws: Never.self) { try principal?.require("agents", id: "finance-agent", action: "run") }
        }
        #expect(await decide(gate, "/sessions", token: nil).0 == 401)
        #expect(await decide(gate, "/sessions", token: nil).1 == "Authorization header missing")
        #expect(await decide(gate, "/sessions", token: TestTokens.make(key: .rsa2)).1 == "Invalid token: Signature verification failed")
        #expect(gate.evaluate(ScopeSet([]), method: "DELETE", path: "/sessions").detail == "authorization is off")
    }

    @Test func theAdminScopeIsConfigurable() async throws {
        let environment = ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID, "AGENTOS_ADMIN_SCOPE": "root"]
        let gate = try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment))
        let root = TestTokens.scoped(["root"])
        for path in ["/sessions", "/config", "/no-such-route"] {
            #expect(await decide(gate, path, token: root).0 == 200, "\(path): the configured admin scope passes everything")
        }
        let (_, _, principal) = await decide(gate, "/agents", token: root)
        #expect(throws: Never.self) { try principal?.require("agents", id: "finance-agent", action: "run") }
        // The default admin scope is then an ordinary (unknown) scope.
        let (status, detail, _) = await decide(gate, "/sessions", token: TestTokens.scoped(["agent_os:admin"]))
        #expect(status == 403)
        #expect(detail == "Insufficient permissions. Required scope(s): sessions:read")
    }

    @Test func evaluateRefusesTheSamePathsAsTheGate() throws {
        let authorizer = RouteAuthorizer(configuration: AgentOSAuthConfiguration())
        let evaluation = authorizer.evaluate(ScopeSet(["agent_os:admin"]), method: "GET", path: "/agents/../sessions")
        #expect(!evaluation.allowed && evaluation.status == 400)
        #expect(evaluation.detail == "Invalid request path: '.' and '..' segments are not allowed")
        let merged = authorizer.evaluate(ScopeSet(["agents:web-agent:read"]), method: "GET", path: "//sessions/")
        #expect(merged.status == 403 && merged.requiredScopes == ["sessions:read"])
        let head = authorizer.evaluate(ScopeSet(["agents:web-agent:read"]), method: "HEAD", path: "/sessions")
        #expect(
            head.status == 403 && head.detail == "Insufficient permissions. Required scope(s): sessions:read",
            "HEAD is authorised as GET"
        )
    }
}
