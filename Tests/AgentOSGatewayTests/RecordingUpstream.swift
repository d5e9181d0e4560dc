import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Synchronization

/// A stand-in AgentOS that records every request it receives, exactly as it arrived (raw target,
/// every header, the whole body), and answers by path: a few paths stream, stall or misbehave;
/// `/health` answers before reading the body, as Agno's does.
final class RecordingUpstream: Sendable {
    struct Received: Sendable {
        let method: String
        let target: String
        let headers: HTTPFields
        let body: [UInt8]
    }

    private let log = Mutex<[Received]>([])
    private let socketLog = Mutex<[String]>([])
    /// `POST /agents/stream-agent/runs` sends its second event only once this yields.
    let release: AsyncStream<Void>
    let releaseContinuation: AsyncStream<Void>.Continuation

    init() {
        (release, releaseContinuation) = AsyncStream.makeStream()
    }

    var received: [Received] { log.withLock { $0 } }
    /// The text messages that reached the upstream's `/workflows/ws`.
    var socketMessages: [String] { socketLog.withLock { $0 } }

    /// Agno's workflow socket, reduced to an echo: each text message is recorded and answered
    /// `{"event":"echo"}` (the test reads one answer per message it sends).
    func socket(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) async throws {
        for try await message in inbound.messages(maxSize: 1 << 20) {
            guard case .text(let text) = message else { continue }
            socketLog.withLock { $0.append(text) }
            try await outbound.write(.text(#"{"event":"echo"}"#))
        }
    }

    func respond(to request: Request) async throws -> Response {
        // As Agno's `/health`: answered at once, whatever body the request is still sending.
        if request.head.path == "/health" {
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#))
            )
        }
        var body: [UInt8] = []
        for try await buffer in request.body { body += Array(buffer.readableBytesView) }
        let target = request.head.path ?? ""
        log.withLock { $0.append(Received(method: request.method.rawValue, target: target, headers: request.headers, body: body)) }
        let path = target.split(separator: "?").first.map(String.init) ?? ""
        switch path {
        case "/agents/stream-agent/runs":
            let release = self.release
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "event: RunStarted\ndata: {\"n\":1}\n\n"))
                    for await _ in release { break }
                    try await writer.write(ByteBuffer(string: "event: RunCompleted\ndata: {\"n\":2}\n\n"))
                    try await writer.finish(nil)
                }
            )
        case "/agents/slow-agent":
            try await Task.sleep(for: .seconds(5))
            return Response(status: .ok)
        case "/agents/private-agent":
            // Hop-by-hop headers of the upstream's own connection must not reach the client.
            return Response(
                status: .ok,
                headers: [
                    HTTPField.Name("Connection")!: "X-Upstream-Private", HTTPField.Name("X-Upstream-Private")!: "1",
                    HTTPField.Name("Keep-Alive")!: "timeout=5", HTTPField.Name("X-Agno")!: "kept",
                ],
                body: .init(byteBuffer: ByteBuffer(string: "{}"))
            )
        default:
            let json = try JSONSerialization.data(withJSONObject: ["path": path, "bytes": body.count])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
    }
}

/// The upstream as a Hummingbird responder that sees the raw target, as uvicorn would.
struct RecordingResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let upstream: RecordingUpstream

    func respond(to request: Request, context: Context) async throws -> Response {
        try await upstream.respond(to: request)
    }
}
