import AgentOSAuthTestSupport
import AgentOSGateway
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Slow clients (docs/security.md, 3.14): a head trickled byte by byte is cut at
/// `GATEWAY_CLIENT_TIMEOUT`; an answer that takes longer than it is not.
@Suite("Gateway: slow clients")
struct GatewaySlowClientTests {
    static let runner = TestTokens.scoped(["agents:run", "agents:read"])

    /// One byte of a never-ending header every 100 ms: 60 bytes would take 6 s.
    static let slowHead = ["GET /agents/web-agent HTTP/1.1\r\nHost: gw\r\nX-Slow: "] + Array(repeating: "a", count: 60)

    @Test func aFirstHeadTrickledByteByByteIsCut() async throws {
        try await GatewayHarness.run({ $0.clientTimeout = 1 }) { gateway in
            let slow = try await RawHTTP.trickle(port: gateway.gatewayPort, Self.slowHead, every: .milliseconds(100))
            let closedAfter = try #require(slow.closedAfter, "the connection stayed open: \(slow.sent) pieces sent")
            #expect(closedAfter < .seconds(3) && slow.sent < Self.slowHead.count, "closed after \(closedAfter), \(slow.sent) pieces")
            #expect(gateway.upstream.received.isEmpty)
        }
    }

    @Test func aLaterHeadOnAKeptAliveConnectionIsCutToo() async throws {
        try await GatewayHarness.run({ $0.clientTimeout = 1 }) { gateway in
            let first = "GET /agents/web-agent HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(Self.runner)\r\n\r\n"
            let slow = try await RawHTTP.trickle(port: gateway.gatewayPort, [first] + Self.slowHead, every: .milliseconds(100))
            #expect(slow.answer.hasPrefix("HTTP/1.1 200"), "\(slow.answer.prefix(200))")
            let closedAfter = try #require(slow.closedAfter, "the connection stayed open: \(slow.sent) pieces sent")
            #expect(closedAfter < .seconds(4) && slow.sent < Self.slowHead.count + 1, "closed after \(closedAfter), \(slow.sent) pieces")
            #expect(gateway.upstream.received.map(\.target) == ["/agents/web-agent"], "only the first request was forwarded")
        }
    }

    /// Slow bodies are cut the same way: the upstream never receives a half-sent body as whole.
    @Test func aBodyThatStallsIsCut() async throws {
        try await GatewayHarness.run({ $0.clientTimeout = 1 }) { gateway in
            let head =
                "POST /agents/web-agent/runs HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(Self.runner)\r\n"
                + "Content-Length: 10\r\n\r\n"
            let slow = try await RawHTTP.trickle(port: gateway.gatewayPort, [head, "abc", ""], every: .seconds(2))
            #expect(slow.closedAfter.map { $0 < .seconds(6) } == true, "\(slow)")
            #expect(!gateway.upstream.received.contains { $0.body.count == 10 })
        }
    }

    /// The attack's crash: the upstream answers before the body has arrived, and the rest of the
    /// body comes later, crosses the cap, or never ends (streamed bodies: over 64 KiB, or
    /// chunked). Each time the answer arrives, the connection serves its next request, and the
    /// gateway lives on.
    @Test func anAnswerBeforeTheBodyEndsKeepsTheGatewayUp() async throws {
        try await GatewayHarness.run({
            $0.clientTimeout = 2
            $0.maxBodyBytes = 80_000
        }) { gateway in
            let next = "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n"
            let late = try await RawHTTP.trickle(
                port: gateway.gatewayPort,
                ["GET /health HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\n\r\n", "x", next],
                every: .milliseconds(700)
            )
            #expect(late.answer.components(separatedBy: "HTTP/1.1 200").count == 3, "two answers: \(late.answer)")
            let chunks = (0..<4).map { _ in "6000\r\n" + String(repeating: "B", count: 0x6000) + "\r\n" }
            let overCap = try await RawHTTP.trickle(
                port: gateway.gatewayPort,
                ["POST /health HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"] + chunks + ["0\r\n\r\n"],
                every: .milliseconds(200)
            )
            #expect(overCap.answer.hasPrefix("HTTP/1.1 200"), "\(overCap.answer.prefix(200))")
            let endless = try await RawHTTP.trickle(
                port: gateway.gatewayPort,
                ["POST /health HTTP/1.1\r\nHost: gw\r\nContent-Length: 70000\r\n\r\n", "a", "b", "c"],
                every: .milliseconds(500)
            )
            #expect(endless.answer.hasPrefix("HTTP/1.1 200") && endless.closedAfter != nil, "\(endless)")
            let after = try await gateway.send(.GET, "/agents/web-agent", token: Self.runner)
            #expect(after.status == 200, "the gateway still answers: \(after)")
        }
    }

    /// The client is silent while it waits, longer than the client timeout: a streamed run whose
    /// second event comes after 2.5 s, and an answer that takes 5 s.
    @Test func answersLongerThanTheClientTimeoutAreNotCut() async throws {
        try await GatewayHarness.run({ $0.clientTimeout = 1 }) { gateway in
            var request = HTTPClientRequest(url: gateway.base + "/agents/stream-agent/runs")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(Self.runner)")
            request.body = .bytes(ByteBuffer(string: "message=hi&stream=true"))
            let response = try await gateway.client.execute(request, timeout: .seconds(15))
            let continuation = gateway.upstream.releaseContinuation
            let release = Task {
                try await Task.sleep(for: .milliseconds(2500))
                continuation.yield()
            }
            let streamed = String(buffer: try await response.body.collect(upTo: 1 << 20))
            try await release.value
            #expect(streamed.hasSuffix("event: RunCompleted\ndata: {\"n\":2}\n\n"), "\(streamed)")
            let slow = try await gateway.send(.GET, "/agents/slow-agent", token: Self.runner)
            #expect(slow.status == 200, "\(slow)")
        }
    }
}
