import AgentOSAuth
import Foundation
import HTTPTypes
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// Agno's workflow WebSocket (`/workflows/ws`) through the gateway: the client's socket is
/// accepted here, a socket to the upstream opened for it, and messages relayed both ways; every
/// client message passes ``WorkflowSocketFilter`` first (docs/gateway.md, "WebSocket").
struct WorkflowSocketRelay: Sendable {
    static let path = "/workflows/ws"
    /// The largest message relayed either way.
    static let maxMessage = 1 << 20

    let gate: AuthGate
    let upstream: URL

    /// Whether this upgrade request is for the workflow socket, decided on the path the upstream routes.
    static func accepts(_ head: HTTPRequest) -> Bool {
        guard let target = head.path, let path = try? GatewayPath.decided(fromTarget: target) else { return false }
        return path == Self.path
    }

    /// Relays one client socket until either side closes.
    func relay(
        target: String,
        client inbound: WebSocketInboundStream,
        _ outbound: WebSocketOutboundWriter,
        logger: Logger
    ) async throws {
        var url = upstream.absoluteString + target
        url = (url.hasPrefix("https") ? "wss" : "ws") + url.drop { $0 != ":" }
        let gate = self.gate
        let closing = try await WebSocketClient.connect(
            url: url,
            configuration: .init(maxFrameSize: Self.maxMessage),
            logger: logger
        ) { upstreamInbound, upstreamOutbound, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in upstreamInbound.messages(maxSize: Self.maxMessage) {
                        try await outbound.write(Self.frame(message))
                    }
                }
                group.addTask {
                    var filter = WorkflowSocketFilter(gate: gate)
                    for try await message in inbound.messages(maxSize: Self.maxMessage) {
                        guard case .text(let text) = message else {
                            try await outbound.write(.text(WorkflowSocketFilter.event("error", "Binary messages are not passed on")))
                            continue
                        }
                        switch await filter.decide(text) {
                        case .forward: try await upstreamOutbound.write(.text(text))
                        case .answer(let answer): try await outbound.write(.text(answer))
                        }
                    }
                    try await upstreamOutbound.close(.normalClosure, reason: nil)
                }
                // Either side ending ends the relay.
                try await group.next()
                group.cancelAll()
            }
        }
        if let closing { try? await outbound.close(closing.closeCode, reason: closing.reason) }
    }

    static func frame(_ message: WebSocketMessage) -> WebSocketOutboundWriter.OutboundFrame {
        switch message {
        case .text(let text): .text(text)
        case .binary(let buffer): .binary(buffer)
        }
    }
}
