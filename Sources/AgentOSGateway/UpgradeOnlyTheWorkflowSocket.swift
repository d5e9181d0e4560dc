import HTTPTypes
import NIOCore
import NIOHTTP1

/// Takes `Upgrade` off a connection's first request unless it is for the workflow socket, before
/// the upgrade handler sees it: hummingbird-websocket 2.8.1 answers an upgrade it declines with a
/// 400 and an error log line (any client could flood the log), and `Upgrade: h2c` with no answer
/// at all. Without it the request is a plain one, as docs/gateway.md says.
///
/// Only a connection's first request can upgrade, so the handler leaves the pipeline after it:
/// nothing else (WebSocket frames after an upgrade) ever reaches it.
final class UpgradeOnlyTheWorkflowSocket: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var part = unwrapInboundIn(data)
        if case .head(var head) = part, head.headers.contains(name: "upgrade") {
            let path = try? GatewayPath.decided(fromTarget: head.uri)
            if path != WorkflowSocketRelay.path {
                head.headers.remove(name: "upgrade")
                part = .head(head)
            }
        }
        context.fireChannelRead(wrapInboundOut(part))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
