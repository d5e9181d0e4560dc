import Foundation
import HTTPTypes
import Testing

@testable import ControlPlane

extension SystemTests {
    /// `agentos-gateway` (the built binary) in front of a real Agno AgentOS 3.1.10 started from the
    /// control plane's `.env`, as docs/gateway.md runs them (docs/security.md, 3.14). What the
    /// gateway should answer comes from Agno itself: the same request sent to Agno directly.
    @Suite("agentos-gateway in front of a real Agno AgentOS")
    struct GatewayAgnoTests {
        static var binary: String {
            URL(fileURLWithPath: ServerProcess.binary).deletingLastPathComponent().appendingPathComponent("agentos-gateway").path
        }

        /// The control plane on `port` (issuer there, so tokens' status lists are fetchable), an
        /// Agno OS `prod` from its PEM `.env` serving MCP too (`--mcp`), and the gateway in front of
        /// it with the JWKS URL, status lists and `gatewayEnvironment`, while `body` runs.
        static func withStack(
            gatewayPort: Int = 0,
            gatewayEnvironment: [String: String] = [:],
            _ body: @Sendable (ControlPlaneHarness, _ agno: ServerProcess, _ gateway: ServerProcess) async throws -> Void
        ) async throws {
            let python = try await AgnoInteropTests.python()
            let port = try NginxProxy.freePort()
            // Status lists live 1 s (CONTROL_PLANE_STATUS_LIST_TTL): a revocation reaches the gateway within it.
            try await SystemTests.ConsoleBrowserTests.withControlPlane(on: port, statusListTTL: 1) { cp in
                try await cp.makeOrg()
                try await cp.makeOS("prod")
                let directory = try makeTemporaryDirectory(prefix: "gateway-agno")
                defer { try? FileManager.default.removeItem(at: directory) }
                try await AgnoEnvironmentTests.write(cp, form: "pem", to: directory)
                // The MCP server card names the gateway's /mcp when its port is known beforehand.
                let mcp = gatewayPort == 0 ? ["--mcp"] : ["--mcp", "--mcp-url", "http://127.0.0.1:\(gatewayPort)/mcp"]
                try await AgnoEnvironmentTests.withAgno(python, in: directory, arguments: mcp) { agno in
                    let origin = "http://127.0.0.1:\(port)"
                    try await ServerProcess.withServer(
                        binary,
                        [],
                        environment: [
                            "AGENTOS_UPSTREAM_URL": agno.baseURL, "AGENT_OS_ID": "prod",
                            "JWT_JWKS_URL": "\(origin)/v1/orgs/acme/os/prod/jwks.json", "JWT_ISSUER": origin,
                            "JWT_STATUS_LIST_ORIGIN": origin, "JWT_STATUS_LIST_REFETCH_INTERVAL": "0",
                            "GATEWAY_PORT": "\(gatewayPort)", "GATEWAY_METRICS_PORT": "off",
                        ].merging(gatewayEnvironment) { $1 }
                    ) { gateway in
                        try await body(cp, agno, gateway)
                    }
                }
            }
        }

        /// A sample of the verifier's conformance cases: the gateway answers each as Agno does
        /// behind it, status and `detail` (the upstream's own answer for what it forwards).
        @Test func throughTheGatewayDecidesAsAgno() async throws {
            try await Self.withStack { cp, agno, gateway in
                let viewer = try await cp.addMember("vera@acme.test")
                try await cp.bind(["user": viewer], role: "os-viewer")
                let vera = try #require(try await cp.token(["subject": viewer]).json["access_token"] as? String)
                let cases: [(String, String, String?, String)] = [
                    ("GET", "/health", nil, "excluded"),
                    ("GET", "/agents", nil, "no token"),
                    ("GET", "/agents", "not-a-jwt", "garbage"),
                    ("GET", "/agents", vera, "viewer lists"),
                    ("GET", "/agents/web-agent", vera, "viewer reads one"),
                    ("POST", "/agents/web-agent/runs", vera, "viewer may not run"),
                    ("GET", "/sessions", vera, "viewer reads sessions"),
                    ("DELETE", "/sessions/s1", vera, "viewer may not delete"),
                ]
                for (method, path, token, name) in cases {
                    let direct = try await agno.send(method, path, token: token, form: method == "POST" ? "message=hi" : nil)
                    let through = try await gateway.send(method, path, token: token, form: method == "POST" ? "message=hi" : nil)
                    #expect(through.status == direct.status, "\(name): gateway \(through.status), Agno \(direct.status)")
                    if direct.status >= 400 {
                        #expect(through.body == direct.body, "\(name): gateway \(through.text), Agno \(direct.text)")
                    }
                }
                // Where the gateway is deliberately safer: an unmapped route Agno opens to any token.
                let mcpDirect = try await agno.send("GET", "/unmapped-route", token: vera)
                let mcpThrough = try await gateway.send("GET", "/unmapped-route", token: vera)
                #expect(mcpDirect.status == 404 && mcpThrough.status == 403, "Agno \(mcpDirect.status), gateway \(mcpThrough.status)")
            }
        }

        @Test func aRemovedMemberIsRefusedThroughTheGatewayButNotUpstream() async throws {
            try await Self.withStack { cp, agno, gateway in
                let alice = try await cp.addMember("alice@acme.test")
                try await cp.bind(["user": alice], role: "os-viewer")
                let token = try #require(try await cp.token(["subject": alice]).json["access_token"] as? String)
                #expect(try await gateway.send("GET", "/agents", token: token).status == 200)
                let removed = try await cp.send(.delete, "/v1/orgs/acme/members/\(alice)")
                #expect(removed.status == 204, "\(removed.text)")
                try await Task.sleep(for: .milliseconds(1500))  // the list's TTL, and a margin
                let refused = try await gateway.send("GET", "/agents", token: token)
                #expect(refused.status == 401 && refused.text.contains("revoked"), "\(refused.status) \(refused.text)")
                // Agno alone cannot know: the token still verifies there until it expires.
                #expect(try await agno.send("GET", "/agents", token: token).status == 200)
            }
        }
    }
}
