public import ControlPlane
public import Hummingbird

/// The request context of the control-plane API.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the API-key middleware on `/v1` routes.
    public var caller: Caller?
    /// The caller was authenticated by the console's session cookie (sign-out then clears it).
    public internal(set) var cookieSession: Bool
    /// The client's IP address (for sign-in throttling): the TCP peer, or what a trusted proxy
    /// names in `X-Forwarded-For` (`ClientAddressMiddleware`).
    public internal(set) var clientAddress: String

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.caller = nil
        self.cookieSession = false
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies over 1 MiB are refused with 413 before decoding.
    public var maxUploadSize: Int { 1 << 20 }

    /// The authenticated caller (the middleware guarantees one on `/v1`).
    func requireCaller() throws -> Caller {
        guard let caller else { throw APIError.unauthorized("missing credentials") }
        return caller
    }
}
