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
    /// A client that has not authenticated within this is closed (`GATEWAY_CLIENT_TIMEOUT`): an
    /// idle socket would otherwise hold a socket to the upstream for ever (the third attack held
    /// 3,000 of each).
    let authenticationTimeout: Duration

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
        let timeout = authenticationTimeout
        let authenticated = SocketAuthentication()
        let closing = try await WebSocketClient.connect(
            url: url,
            configuration: .init(maxFrameSize: Self.maxMessage),
            logger: logger
        ) { upstreamInbound, upstreamOutbound, _ in
            // Each child answers whether its ending ends the relay: either side's does; the
            // authentication timer's does only when the client has not authenticated.
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for try await message in upstreamInbound.messages(maxSize: Self.maxMessage) {
                        try await outbound.write(Self.frame(message))
                    }
                    return true
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
                        if filter.credential != nil { authenticated.record() }
                    }
                    try await upstreamOutbound.close(.normalClosure, reason: nil)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    guard authenticated.happened else {
                        let reason = "Authenticate within \(Int(timeout.components.seconds)) s (GATEWAY_CLIENT_TIMEOUT)"
                        try await outbound.write(.text(WorkflowSocketFilter.event("auth_error", reason, type: "invalid_token")))
                        try? await outbound.close(.policyViolation, reason: "authentication timeout")
                        return true
                    }
                    return false
                }
                while let ends = try await group.next() {
                    if ends { break }
                }
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
