public import Hummingbird

/// The gateway's request context: the logger, and the client's address for `X-Forwarded-For`.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, as the socket reports it.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies stream to the upstream under ``GatewayConfiguration/maxBodyBytes``; this limit is
    /// Hummingbird's for collected bodies, which the gateway never collects.
    public var maxUploadSize: Int { 0 }
}
