import AgentOSAuthTestSupport
import AgentOSGateway
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Synchronization
import Testing

/// Agno's workflow WebSocket through the gateway (docs/gateway.md, "WebSocket"): in-band
/// authentication and per-workflow `workflows:<id>:run`, decided before a message reaches the
/// upstream, whose own record says what arrived.
@Suite("Gateway: the workflow WebSocket")
struct GatewaySocketTests {
    @Test func messagesAreDecidedBeforeTheyReachTheUpstream() async throws {
        try await GatewayHarness.run { gateway in
            let token = TestTokens.scoped(["workflows:w1:run"])
            var logger = Logger(label: "socket-test")
            logger.logLevel = .critical
            let collected = Mutex<[String]>([])
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(gateway.gatewayPort)/workflows/ws", logger: logger) {
                inbound,
                outbound,
                _ in
                var replies = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                for message in [
                    #"{"action":"start-workflow","workflow_id":"w1"}"#,
                    #"{"action":"authenticate","token":"\#(TestTokens.scoped(["workflows:w1:run"], key: .rsa2))"}"#,
                    #"{"action":"authenticate","token":"\#(token)"}"#,
                    #"{"action":"start-workflow","workflow_id":"w1","message":"hi"}"#,
                    #"{"action":"start-workflow","workflow_id":"w2","message":"hi"}"#,
                    #"{"action":"start-workflow","workflow_id":"w1/../w2"}"#,
                    #"{"action":"drop-tables"}"#,
                    "not json",
                ] {
                    try await outbound.write(.text(message))
                    guard case .text(let reply) = try await replies.next() else { break }
                    collected.withLock { $0.append(reply) }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
            let answers = collected.withLock { $0 }
            #expect(answers.count == 8, "\(answers)")
            #expect(answers[0].contains(#""event":"auth_error""#) && answers[0].contains("authenticate action first"), "\(answers[0])")
            #expect(answers[1].contains(#""event":"auth_error""#) && answers[1].contains(#""error_type":"invalid_token""#), "\(answers[1])")
            #expect(answers[2] == #"{"event":"echo"}"# && answers[3] == #"{"event":"echo"}"#, "\(answers)")
            #expect(answers[4].contains("Insufficient permissions"), "\(answers[4])")
            #expect(answers[5].contains("workflow_id must name one workflow"), "\(answers[5])")
            #expect(answers[6].contains("Unknown action") && answers[7].contains("Invalid message"), "\(answers)")
            #expect(
                gateway.upstream.socketMessages
                    == [
                        #"{"action":"authenticate","token":"\#(token)"}"#,
                        #"{"action":"start-workflow","workflow_id":"w1","message":"hi"}"#,
                    ],
                "\(gateway.upstream.socketMessages)"
            )
        }
    }

    /// The third attack held 3,000 sockets open without a word, each with a socket to the
    /// upstream. A client that has not authenticated within `GATEWAY_CLIENT_TIMEOUT` is told and
    /// closed; one that has stays, however quiet.
    @Test func aSocketThatNeverAuthenticatesIsClosed() async throws {
        try await GatewayHarness.run({ $0.clientTimeout = 1 }) { gateway in
            var logger = Logger(label: "socket-test")
            logger.logLevel = .critical
            let started = ContinuousClock.now
            let silent = Mutex<[String]>([])
            let closed = Mutex<Duration?>(nil)
            let port = gateway.gatewayPort
            // In a task of its own, watched for 6 s: a gateway that never closes fails the test
            // instead of hanging it.
            let client = Task {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/workflows/ws", logger: logger) { inbound, _, _ in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case .text(let text) = message { silent.withLock { $0.append(text) } }
                    }
                }
                closed.withLock { $0 = ContinuousClock.now - started }
            }
            for _ in 0..<60 where closed.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(100)) }
            client.cancel()
            let closedAfter = closed.withLock { $0 }
            #expect(closedAfter.map { $0 < .seconds(4) } == true, "closed after \(String(describing: closedAfter))")
            #expect(silent.withLock { $0 }.first?.contains("Authenticate within 1 s") == true, "\(silent.withLock { $0 })")

            let token = TestTokens.scoped(["workflows:w1:run"])
            let replies = Mutex<[String]>([])
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(gateway.gatewayPort)/workflows/ws", logger: logger) {
                inbound,
                outbound,
                _ in
                var answers = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                try await outbound.write(.text(#"{"action":"authenticate","token":"\#(token)"}"#))
                if case .text(let reply) = try await answers.next() { replies.withLock { $0.append(reply) } }
                try await Task.sleep(for: .milliseconds(2500))
                try await outbound.write(.text(#"{"action":"ping"}"#))
                if case .text(let reply) = try await answers.next() { replies.withLock { $0.append(reply) } }
                try await outbound.close(.normalClosure, reason: nil)
            }
            #expect(replies.withLock { $0 } == [#"{"event":"echo"}"#, #"{"event":"echo"}"#], "\(replies.withLock { $0 })")
        }
    }

    /// The third attack: a WebSocket handshake to any other path got a 400 (and an error line in
    /// the log for each), `Upgrade: h2c` no answer at all. Both are plain requests now.
    @Test func otherUpgradeRequestsArePlainRequests() async throws {
        let token = TestTokens.scoped(["agents:read"])
        try await GatewayHarness.run { gateway in
            let handshake =
                "GET /agents/web-agent HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(token)\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
            let socket = try await RawHTTP.exchange(port: gateway.gatewayPort, handshake)
            #expect(socket.hasPrefix("HTTP/1.1 200"), "\(socket.prefix(200))")
            let h2c =
                "GET /health HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
            let plain = try await RawHTTP.exchange(port: gateway.gatewayPort, h2c)
            #expect(plain.hasPrefix("HTTP/1.1 200"), "\(plain.prefix(200))")
            let received = gateway.upstream.received
            // The test upstream answers /health without recording it; the run is recorded.
            #expect(received.map(\.target) == ["/agents/web-agent"], "\(received.map(\.target))")
            #expect(received.allSatisfy { $0.headers[HTTPField.Name("Upgrade")!] == nil }, "Upgrade is hop-by-hop: never forwarded")
        }
    }
}
