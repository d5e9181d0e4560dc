import AgentOSAuth
import AgentOSAuthTestSupport
import AgentOSGateway
import Foundation
import Testing

@Suite("Gateway: configuration")
struct GatewayConfigurationTests {
    static let base = ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": "probe-os"]

    func refusal(_ extra: [String: String]) -> String? {
        do {
            _ = try GatewayConfiguration(environment: Self.base.merging(extra) { _, new in new })
            return nil
        } catch let error as AgentOSAuthError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func theUpstreamIsAnOriginAndRequired() throws {
        #expect(refusal([:])?.contains("AGENTOS_UPSTREAM_URL is not set") == true)
        for bad in ["ftp://h", "http://", "http://h/prefix", "http://user:pw@h", "http://h?q=1", "h:7777"] {
            #expect(refusal(["AGENTOS_UPSTREAM_URL": bad])?.contains("AGENTOS_UPSTREAM_URL must be") == true, "\(bad)")
        }
        let good = try GatewayConfiguration(environment: Self.base.merging(["AGENTOS_UPSTREAM_URL": "http://agno:7777/"]) { $1 })
        #expect(good.upstream.absoluteString == "http://agno:7777")
        #expect(good.auth.denyUnmappedRoutes && good.auth.verifyAudience && good.auth.requireExpiration)
    }

    @Test func onlyUnmappedRoutesCanBeOpened() throws {
        let upstream = ["AGENTOS_UPSTREAM_URL": "http://127.0.0.1:7777"]
        #expect(
            refusal(upstream.merging(["GATEWAY_ALLOW_ROUTES": "POST /agents/web-agent/runs"]) { $1 })?.contains("keeps its scopes") == true
        )
        #expect(refusal(upstream.merging(["GATEWAY_ALLOW_ROUTES": "GET /sessions"]) { $1 })?.contains("keeps its scopes") == true)
        #expect(refusal(upstream.merging(["GATEWAY_ALLOW_ROUTES": "/mcp"]) { $1 })?.contains("is not 'METHOD /path'") == true)
        #expect(refusal(upstream.merging(["GATEWAY_MAX_BODY_BYTES": "-1"]) { $1 })?.contains("GATEWAY_MAX_BODY_BYTES") == true)
        var environment = Self.base.merging(upstream) { $1 }
        environment["GATEWAY_ALLOW_ROUTES"] = "POST /mcp, GET /a2a/*"
        let opened = try GatewayConfiguration(environment: environment)
        let none: [String] = []
        #expect(opened.auth.routes.rule(method: "POST", path: "/mcp")?.scopes == none)
        #expect(opened.auth.routes.rule(method: "GET", path: "/a2a/agents/x/.well-known/agent-card.json")?.scopes == none)
        #expect(opened.auth.routes.rule(method: "POST", path: "/agents/web-agent/runs")?.scopes == ["agents:run"])
    }
}
