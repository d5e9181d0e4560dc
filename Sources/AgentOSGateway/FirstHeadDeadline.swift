import NIOCore

/// Closes a new connection whose first request head has not arrived within `timeout`.
///
/// Hummingbird's idle timeout (`HTTP1Channel.Configuration.idleTimeout`) covers every later
/// head and every body, but hummingbird-websocket 2.8.1 installs it only once the first head
/// has been parsed and the upgrade declined: without this, a client trickling its first head one
/// byte at a time would hold the connection for ever (a slow-header attack).
///
/// It sits right after the request decoder, which passes nothing on until a head is complete, so
/// the first thing read here is that head; it never unwraps what it reads, because after a
/// WebSocket upgrade frames flow through it.
final class FirstHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var headArrived = false

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !headArrived {
            headArrived = true
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }
}
