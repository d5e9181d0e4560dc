import AgentOSAuthTestSupport
import Testing

/// Requests whose framing two parsers could read differently never reach the upstream
/// (RFC 9112 §6.3; docs/security.md, 3.14).
@Suite("Gateway: request smuggling")
struct GatewaySmugglingTests {
    @Test(arguments: [
        ("Content-Length: 5\r\nContent-Length: 40\r\n", "two different lengths"),
        ("Content-Length: 5\r\nContent-Length: 5\r\n", "the same length twice"),
        ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "a length and chunked"),
        ("Transfer-Encoding: chunked, identity\r\n", "chunked not last"),
        ("Transfer-Encoding: gzip\r\n", "an unknown coding"),
        ("Transfer-Encoding: identity\r\n", "identity"),
    ])
    func ambiguousFramingIsRefusedAndNotForwarded(framing: String, shape: String) async throws {
        try await GatewayHarness.run { gateway in
            let token = TestTokens.scoped(["agents:run"])
            let smuggled = "GET /agents/web-agent HTTP/1.1\r\nHost: x\r\n\r\n"
            let answer = try await RawHTTP.exchange(
                port: gateway.gatewayPort,
                "POST /agents/web-agent/runs HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(token)\r\n\(framing)\r\n"
                    + "0\r\n\r\n" + smuggled
            )
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(shape): \(answer.prefix(200))")
            #expect(gateway.upstream.received.isEmpty, "\(shape): forwarded \(gateway.upstream.received.map(\.target))")
        }
    }
}
