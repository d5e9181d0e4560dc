import AgentOSAuthTestSupport
import AgentOSGateway
import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Testing

/// The gateway in front of a recording upstream, in process (docs/security.md, 3.14). Statuses and
/// `detail` strings are Agno's (docs/agno-compatibility.md); what the upstream received is read
/// from its own record.
@Suite("Gateway: proxying")
struct GatewayProxyTests {
    static let reader = TestTokens.scoped(["agents:web-agent:read"])

    @Test func aRefusedRequestNeverReachesTheUpstream() async throws {
        try await GatewayHarness.run { gateway in
            let anonymous = try await gateway.send(.GET, "/agents/web-agent")
            #expect(anonymous.status == 401 && anonymous.body == #"{"detail":"Authorization header missing"}"#, "\(anonymous)")
            let forged = try await gateway.send(.GET, "/agents/web-agent", token: TestTokens.scoped(["agent_os:admin"], key: .rsa2))
            #expect(forged.status == 401, "\(forged)")
            let other = try await gateway.send(.POST, "/agents/finance-agent/runs", token: Self.reader, body: Array("message=hi".utf8))
            #expect(other.status == 403 && other.body.contains("Insufficient permissions"), "\(other)")
            #expect(gateway.upstream.received.isEmpty, "refused requests were forwarded: \(gateway.upstream.received.map(\.target))")
            let allowed = try await gateway.send(.GET, "/agents/web-agent", token: Self.reader)
            #expect(allowed.status == 200 && gateway.upstream.received.map(\.target) == ["/agents/web-agent"], "\(allowed)")
        }
    }

    @Test func theUpstreamSeesThePathByteForByte() async throws {
        try await GatewayHarness.run { gateway in
            let encoded = try await gateway.send(.GET, "/agents/web%2Dagent?x=%2F&y=1", token: Self.reader)
            #expect(encoded.status == 200, "\(encoded)")
            #expect(gateway.upstream.received.last?.target == "/agents/web%2Dagent?x=%2F&y=1")
            // Decided as uvicorn decodes it: finance-agent, which this token may not read.
            let disguised = try await gateway.send(.GET, "/%61gents/finance%2Dagent", token: Self.reader)
            #expect(disguised.status == 403, "\(disguised)")
            let slashed = try await gateway.send(.GET, "/agents/web-agent%2F..%2Ffinance-agent", token: Self.reader)
            #expect(slashed.status == 400 && slashed.body.contains("encoded '/'"), "\(slashed)")
            // A fragment would be dropped by the client to the upstream: decided on one route, sent to another.
            let fragment = try await RawHTTP.exchange(
                port: gateway.gatewayPort,
                "POST /agents/finance-agent/runs#/runs/x/resume HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer "
                    + TestTokens.scoped([String]()) + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            #expect(fragment.hasPrefix("HTTP/1.1 400"), "\(fragment.prefix(200))")
            #expect(gateway.upstream.received.count == 1)
        }
    }

    @Test func unmappedRoutesAreDeniedUnlessOpened() async throws {
        try await GatewayHarness.run { gateway in
            let member = try await gateway.send(.POST, "/mcp", token: Self.reader, body: Array("{}".utf8))
            #expect(member.status == 403 && member.body.contains("No scope is mapped to POST /mcp"), "\(member)")
            let agui = try await gateway.send(.POST, "/agui", token: Self.reader, body: Array("{}".utf8))
            #expect(agui.status == 403, "\(agui)")
            #expect(gateway.upstream.received.isEmpty)
            let admin = try await gateway.send(.POST, "/mcp", token: TestTokens.scoped(["agent_os:admin"]), body: Array("{}".utf8))
            #expect(admin.status == 200 && gateway.upstream.received.map(\.target) == ["/mcp"], "\(admin)")
        }
        try await GatewayHarness.run({ try $0.allow(["POST /mcp"]) }) { gateway in
            let member = try await gateway.send(.POST, "/mcp", token: Self.reader, body: Array("{}".utf8))
            #expect(member.status == 200, "\(member)")
            let anonymous = try await gateway.send(.POST, "/mcp", body: Array("{}".utf8))
            #expect(anonymous.status == 401, "an opened route still needs a valid token: \(anonymous)")
            #expect(try await gateway.send(.POST, "/agui", token: Self.reader).status == 403)
        }
    }

    @Test func hopByHopHeadersStopAtTheGateway() async throws {
        try await GatewayHarness.run { gateway in
            let token = TestTokens.scoped(["agents:read"])
            let answer = try await RawHTTP.exchange(
                port: gateway.gatewayPort,
                "GET /agents/private-agent HTTP/1.1\r\nHost: gw.example\r\nAuthorization: Bearer \(token)\r\n"
                    + "Connection: close, X-Secret, Authorization\r\nX-Secret: drop-me\r\nKeep-Alive: timeout=5\r\n"
                    + "Forwarded: for=6.6.6.6;host=evil\r\nX-Real-IP: 6.6.6.6\r\n"
                    + "Proxy-Authorization: Basic eDp5\r\nTE: trailers\r\nX-Forwarded-For: 6.6.6.6\r\n"
                    + "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\nX-Request-ID: req-123\r\n\r\n"
            )
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(300))")
            let seen = try #require(gateway.upstream.received.last)
            let field = { (name: String) in seen.headers[HTTPField.Name(name)!] }
            #expect(
                field("Authorization") == "Bearer \(token)",
                "Authorization must reach the upstream unchanged, even when Connection lists it"
            )
            for dropped in ["X-Secret", "Keep-Alive", "Proxy-Authorization", "TE", "Forwarded", "X-Real-IP"] {
                #expect(field(dropped) == nil, "\(dropped) crossed the gateway")
            }
            #expect(field("X-Forwarded-For") == "127.0.0.1", "the client named itself: \(field("X-Forwarded-For") ?? "-")")
            #expect(field("X-Forwarded-Host") == "gw.example" && field("X-Forwarded-Proto") == "http")
            #expect(field("X-Request-ID") == "req-123")
            let head = answer.split(separator: "\r\n\r\n").first.map(String.init)?.lowercased() ?? ""
            #expect(!head.contains("x-upstream-private") && !head.contains("keep-alive: timeout"), "\(head)")
            #expect(head.contains("x-agno: kept") && head.contains("x-request-id: req-123"), "\(head)")
        }
        try await GatewayHarness.run({ $0.trustForwarded = true }) { gateway in
            _ = try await gateway.send(
                .GET,
                "/agents/web-agent",
                token: Self.reader,
                headers: [("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "os.example")]
            )
            let seen = try #require(gateway.upstream.received.last)
            #expect(seen.headers[HTTPField.Name("X-Forwarded-For")!] == "203.0.113.9, 127.0.0.1")
            #expect(seen.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https")
            #expect(seen.headers[HTTPField.Name("X-Forwarded-Host")!] == "os.example")
        }
    }

    @Test func ambiguousCredentialsAndHostsAreRefused() async throws {
        try await GatewayHarness.run { gateway in
            let twice = try await gateway.send(
                .GET,
                "/agents/web-agent",
                headers: [("Authorization", "Bearer \(Self.reader)"), ("Authorization", "Bearer \(TestTokens.scoped(["agent_os:admin"]))")]
            )
            #expect(twice.status == 401 && twice.body.contains("Ambiguous Authorization header"), "\(twice)")
            let hosts = try await RawHTTP.exchange(
                port: gateway.gatewayPort,
                "GET /agents/web-agent HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nAuthorization: Bearer \(Self.reader)\r\nConnection: close\r\n\r\n"
            )
            #expect(hosts.hasPrefix("HTTP/1.1 400"), "\(hosts.prefix(200))")
            #expect(gateway.upstream.received.isEmpty)
        }
    }
}
