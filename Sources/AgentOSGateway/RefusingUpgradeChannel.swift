import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// hummingbird-websocket's HTTP/1 channel (an upgrade to Agno's workflow socket, plain HTTP
/// otherwise), answering what it leaves unanswered: when the first request cannot be parsed
/// (`Content-Length` twice, `Content-Length` with `Transfer-Encoding`, …), its upgrade
/// negotiation (2.8.1) never settles and the connection stays open without a word. Here the
/// client gets the 400 plain Hummingbird answers, and the connection is closed. A first head
/// that does not arrive within `firstHeadTimeout` closes the connection (``FirstHeadDeadline``).
struct RefusingUpgradeChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let base: HTTP1WebSocketUpgradeChannel
    let firstHeadTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(ParserErrorRefusal(), position: .after(decoder))
            try channel.pipeline.syncOperations.addHandler(FirstHeadDeadline(timeout: firstHeadTimeout), position: .after(decoder))
            let deadline = try channel.pipeline.syncOperations.handler(type: FirstHeadDeadline.self)
            try channel.pipeline.syncOperations.addHandler(UpgradeOnlyTheWorkflowSocket(), position: .after(deadline))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Right after the request decoder: a parse error is answered 400, the connection closed, and
/// the error passed on to fail the request body being read.
final class ParserErrorRefusal: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else { return context.fireErrorCaught(error) }
        // Written from the encoder's context: raw bytes go out below it, never through it.
        if let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) {
            encoder.writeAndFlush(
                NIOAny(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")),
                promise: nil
            )
        }
        context.close(promise: nil)
        // Passed on too, so a request whose body the parser could not finish (the client's
        // connection ended mid-body) fails its body stream instead of ending it: the upload then
        // fails, and the upstream never gets half a request as a whole one (the third attack).
        context.fireErrorCaught(error)
    }
}
