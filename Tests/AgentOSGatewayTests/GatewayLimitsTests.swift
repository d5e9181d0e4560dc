import AgentOSAuthTestSupport
import AgentOSGateway
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Bodies, slow and dead upstreams, streams, CORS and metrics (docs/security.md, 3.14).
@Suite("Gateway: limits, streams, CORS and metrics")
struct GatewayLimitsTests {
    static let runner = TestTokens.scoped(["agents:run", "agents:read"])

    @Test func bodiesOverTheCapAre413() async throws {
        try await GatewayHarness.run({ $0.maxBodyBytes = 1024 }) { gateway in
            let within = try await gateway.send(
                .POST,
                "/agents/web-agent/runs",
                token: Self.runner,
                body: Array(repeating: 65, count: 1000)
            )
            #expect(within.status == 200 && within.body.contains("\"bytes\":1000"), "\(within)")
            let over = try await gateway.send(.POST, "/agents/web-agent/runs", token: Self.runner, body: Array(repeating: 65, count: 2000))
            #expect(over.status == 413 && over.body.contains("GATEWAY_MAX_BODY_BYTES"), "\(over)")
            let chunked = try await RawHTTP.exchange(
                port: gateway.gatewayPort,
                "POST /agents/web-agent/runs HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(Self.runner)\r\nConnection: close\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + "400\r\n" + String(repeating: "B", count: 1024) + "\r\n"
                    + "400\r\n" + String(repeating: "B", count: 1024) + "\r\n0\r\n\r\n"
            )
            #expect(chunked.hasPrefix("HTTP/1.1 413"), "\(chunked.prefix(200))")
            #expect(gateway.upstream.received.map(\.body.count) == [1000], "only the body within the cap arrived whole")
        }
    }

    /// F4: a chunked body cut at the cap was sometimes answered 504 after the upstream timeout,
    /// when the HTTP client reported the abandoned upload as a timeout. Each of these is 413 at
    /// once, though the upstream would wait 30 s for the rest of the body.
    @Test func chunkedBodiesOverTheCapAre413AtOnce() async throws {
        try await GatewayHarness.run({
            $0.maxBodyBytes = 1024
            $0.upstreamTimeout = 30
        }) { gateway in
            // Crossing the cap in the first chunk, in a later one, and with the body never ended.
            let shapes = [[2048], [768, 768], [512, 512, 512]]
            for round in 0..<12 {
                let started = ContinuousClock.now
                let chunks = shapes[round % shapes.count].map {
                    String($0, radix: 16) + "\r\n" + String(repeating: "B", count: $0) + "\r\n"
                }
                let chunked = try await RawHTTP.exchange(
                    port: gateway.gatewayPort,
                    "POST /agents/web-agent/runs HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(Self.runner)\r\nConnection: close\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n" + chunks.joined() + (round % 2 == 0 ? "0\r\n\r\n" : "")
                )
                #expect(chunked.hasPrefix("HTTP/1.1 413"), "round \(round): \(chunked.prefix(200))")
                #expect(ContinuousClock.now - started < .seconds(4), "round \(round): answered after \(ContinuousClock.now - started)")
            }
            #expect(gateway.upstream.received.isEmpty, "no body over the cap arrived whole")
        }
    }

    @Test func upstreamFailuresAre502And504() async throws {
        // A port nothing listens on: bound, then closed.
        let closed = try await GatewayHarness.run { $0.gatewayPort }
        try await GatewayHarness.run(upstreamPort: closed) { gateway in
            let dead = try await gateway.send(.GET, "/agents/web-agent", token: Self.runner)
            #expect(dead.status == 502 && dead.body.contains("cannot be reached"), "\(dead)")
        }
        try await GatewayHarness.run({ $0.upstreamTimeout = 0.5 }) { gateway in
            let started = ContinuousClock.now
            let slow = try await gateway.send(.GET, "/agents/slow-agent", token: Self.runner)
            #expect(slow.status == 504 && slow.body.contains("GATEWAY_UPSTREAM_TIMEOUT"), "\(slow)")
            #expect(ContinuousClock.now - started < .seconds(4), "answered at the timeout, not when the upstream finished")
        }
    }

    /// The third attack held every upstream connection with slow uploads, and other callers were
    /// told the AgentOS "cannot be reached". A full pool is a 503 with `Retry-After` that says so.
    @Test func aFullUpstreamPoolIs503() async throws {
        try await GatewayHarness.run({
            $0.upstreamConnections = 1
            $0.connectTimeout = 0.5
        }) { gateway in
            let holder = Task { try await gateway.send(.GET, "/agents/slow-agent", token: Self.runner) }
            try await Task.sleep(for: .milliseconds(300))
            let busy = try await gateway.send(.GET, "/agents/web-agent", token: Self.runner)
            #expect(busy.status == 503 && busy.body.contains("GATEWAY_UPSTREAM_CONNECTIONS"), "\(busy)")
            #expect(busy.headers["retry-after"].first == "1", "\(busy.headers)")
            #expect(try await holder.value.status == 200)
        }
    }

    /// Server-sent events pass one by one: the upstream sends its second event only after the
    /// client has read the first through the gateway, so a buffering gateway never answers.
    @Test func streamedAnswersArriveAsTheyAreSent() async throws {
        try await GatewayHarness.run { gateway in
            var request = HTTPClientRequest(url: gateway.base + "/agents/stream-agent/runs")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(Self.runner)")
            request.body = .bytes(ByteBuffer(string: "message=hi&stream=true"))
            let response = try await gateway.client.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok && response.headers["content-type"].first == "text/event-stream")
            var received = ""
            var released = false
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if !released, received.contains("RunStarted") {
                    #expect(!received.contains("RunCompleted"))
                    released = true
                    gateway.upstream.releaseContinuation.yield()
                }
            }
            #expect(released && received.hasSuffix("event: RunCompleted\ndata: {\"n\":2}\n\n"), "\(received)")
        }
    }

    @Test func refusalsCarryCORSOnlyForListedOrigins() async throws {
        let console = "http://127.0.0.1:8080"
        try await GatewayHarness.run({ $0.corsOrigins = [console] }) { gateway in
            let listed = try await gateway.send(.GET, "/agents/web-agent", headers: [("Origin", console)])
            #expect(listed.status == 401 && listed.headers["access-control-allow-origin"].first == console, "\(listed.headers)")
            #expect(listed.headers["access-control-allow-credentials"].first == "true")
            let hostile = try await gateway.send(.GET, "/agents/web-agent", headers: [("Origin", "https://evil.example")])
            #expect(hostile.status == 401 && hostile.headers["access-control-allow-origin"].isEmpty, "\(hostile.headers)")
            // Preflights carry no token (Agno never authenticates OPTIONS): they reach the upstream's CORS.
            let preflight = try await gateway.send(
                .OPTIONS,
                "/agents/web-agent/runs",
                headers: [("Origin", console), ("Access-Control-Request-Method", "POST")]
            )
            #expect(preflight.status == 200 && gateway.upstream.received.map(\.method) == ["OPTIONS"], "\(preflight)")
        }
    }

    @Test func metricsNameNoTenant() async throws {
        try await GatewayHarness.run { gateway in
            _ = try await gateway.send(.GET, "/agents/web-agent", token: Self.runner)
            _ = try await gateway.send(.GET, "/agents/finance-agent")
            _ = try await gateway.send(.GET, "//agents", token: Self.runner)
            let text = try await gateway.metrics()
            #expect(text.contains("agentos_gateway_requests_total{outcome=\"forwarded\"} 1"), "\(text)")
            #expect(text.contains("agentos_gateway_requests_total{outcome=\"refused\"} 1"))
            #expect(text.contains("agentos_gateway_requests_total{outcome=\"invalid\"} 1"))
            #expect(text.contains("# HELP agentos_gateway_upstream_duration_seconds"))
            for secret in ["web-agent", "finance-agent", "alice", Self.runner] { #expect(!text.contains(secret), "\(secret)") }
            // The proxied port has no /metrics of its own: it is a route of the upstream like any other.
            #expect(try await gateway.send(.GET, "/metrics").status == 401)
        }
    }
}
