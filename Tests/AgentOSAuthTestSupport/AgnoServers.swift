import AgentOSAuth
import Foundation

/// The servers of Agno's live probe (docs/agno-compatibility.md), configured through the same
/// environment variables an OS uses, plus N: an OS with no authentication (Agno's default when
/// nothing is configured; here only with AGENTOS_AUTH_DISABLED=true).
public enum AgnoServer: String, CaseIterable, Sendable {
    case A, B, C, J, S, E, N

    public static let securityKey = "sk-demo-0123456789abcdef0123456789abcdef"

    public var environment: [String: String] {
        switch self {
        case .A: ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID]
        case .B:
            // Agno's defaults: every safer default switched back.
            [
                "JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID,
                "AGENTOS_AUTH_VERIFY_AUDIENCE": "false", "AGENTOS_AUTH_REQUIRE_EXP": "false",
                "AGENTOS_AUTH_DENY_UNMAPPED_ROUTES": "false",
            ]
        case .C: ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID, "JWT_ISSUER": "https://cp.example.test"]
        case .J: ["JWT_JWKS_FILE": Self.jwksFile, "AGENT_OS_ID": TestTokens.osID]
        case .S: ["OS_SECURITY_KEY": Self.securityKey]
        case .E:
            [
                "JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": TestTokens.osID, "OS_SECURITY_KEY": Self.securityKey,
                "AGENTOS_AUTH_ALLOW_SECURITY_KEY_WITH_JWT": "true",
            ]
        case .N: ["AGENTOS_AUTH_DISABLED": "true"]
        }
    }

    /// A JWKS file with kids k1 (key 1) and k2 (key 2).
    public static let jwksFile: String = {
        let path = NSTemporaryDirectory() + "agentos-test-jwks-\(UUID().uuidString).json"
        let data = TestTokens.jwks([TestTokens.rsaJWK(TestKeys.rsa1, kid: "k1"), TestTokens.rsaJWK(TestKeys.rsa2, kid: "k2")])
        try! data.write(to: URL(fileURLWithPath: path))
        return path
    }()
}
