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

    /// The third attack: a client that stops mid-body (half-closing, or closing) got a 400, and
    /// the upstream ran the half it had sent as a whole request. Now nothing incomplete reaches it:
    /// a read-whole body (≤ 64 KiB), a streamed one (over 64 KiB), a chunked one.
    @Test func aBodyTheClientNeverFinishesIsNeverForwardedWhole() async throws {
        let runner = TestTokens.scoped(["agents:run"])
        try await GatewayHarness.run { gateway in
            let head = "POST /agents/web-agent/runs HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(runner)\r\n"
            let shapes = [
                head + "Content-Length: 1000\r\n\r\n" + String(repeating: "a", count: 60),
                head + "Content-Length: 70000\r\n\r\n" + String(repeating: "b", count: 100),
                head + "Transfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n",
            ]
            for shape in shapes {
                let answer = try await RawHTTP.exchange(port: gateway.gatewayPort, shape, halfClose: true)
                #expect(!answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(120))")
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(gateway.upstream.received.isEmpty, "\(gateway.upstream.received.map { ($0.target, $0.body.count) })")
        }
    }
}
