import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket
import Synchronization
import Testing

extension SystemTests.GatewayAgnoTests {
    /// Agno's workflow WebSocket through the gateway: a run streams event by event, another
    /// workflow is refused, and a member removed while connected is refused at their next action
    /// (docs/gateway.md, "WebSocket").
    @Test func theWorkflowSocketRunsThroughTheGatewayAndRevocationReachesIt() async throws {
        try await Self.withStack { cp, _, gateway in
            let alice = try await cp.addMember("alice@acme.test")
            try await cp.bind(["user": alice], role: "os-viewer")
            _ = try await cp.grant(["user": alice], "workflows:echo-workflow:run")
            let token = try #require(try await cp.token(["subject": alice]).json["access_token"] as? String)
            let url = gateway.baseURL.replacingOccurrences(of: "http://", with: "ws://") + "/workflows/ws"
            let logger = {
                var logger = Logger(label: "gateway-socket")
                logger.logLevel = .critical
                return logger
            }()
            let seen = SocketTranscript()
            // Bounded as a whole: a message that never comes fails the test after 90 s, never hangs it.
            try await withThrowingTaskGroup(of: Void.self) { bound in
                bound.addTask {
                    try await Task.sleep(for: .seconds(90))
                    Issue.record("the socket conversation did not finish in 90 s: \(seen.lines.withLock { $0 })")
                }
                bound.addTask {
                    try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: logger) {
                        inbound,
                        outbound,
                        _ in
                        var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                        func next() async throws -> String {
                            guard case .text(let text) = try await messages.next() else { throw CancellationError() }
                            seen.lines.withLock { $0.append(text) }
                            return text
                        }
                        #expect(try await next().contains(#""event": "connected""#))
                        try await outbound.write(.text(#"{"action":"authenticate","token":"\#(token)"}"#))
                        #expect(try await next().contains(#""event": "authenticated""#))
                        #expect(try await next().contains(#""user_id": "\#(alice)""#))
                        try await outbound.write(.text(#"{"action":"start-workflow","workflow_id":"other-workflow","message":"hi"}"#))
                        #expect(try await next().contains("Insufficient permissions"))
                        try await outbound.write(.text(#"{"action":"start-workflow","workflow_id":"echo-workflow","message":"hello"}"#))
                        var events: [String] = []
                        while events.last != "WorkflowCompleted", events.count < 50 {
                            let text = try await next()
                            events.append(text.split(separator: "\n").first.map { String($0.dropFirst("event: ".count)) } ?? text)
                        }
                        #expect(
                            events.first == "WorkflowStarted" && events.contains("RunContent") && events.last == "WorkflowCompleted",
                            "\(events)"
                        )

                        let removed = try await cp.send(.delete, "/v1/orgs/acme/members/\(alice)")
                        #expect(removed.status == 204, "\(removed.text)")
                        try await Task.sleep(for: .milliseconds(1500))  // the status list's TTL, and a margin
                        try await outbound.write(.text(#"{"action":"start-workflow","workflow_id":"echo-workflow","message":"again"}"#))
                        let refused = try await next()
                        #expect(refused.contains(#""event":"auth_error""#) && refused.contains("revoked"), "\(refused)")
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                }
                try await bound.next()
                bound.cancelAll()
            }
            #expect(!seen.lines.withLock { $0 }.isEmpty)
        }
    }
}

/// What the socket received, for the failure message of a conversation that stalls.
final class SocketTranscript: Sendable {
    let lines = Mutex<[String]>([])
}
