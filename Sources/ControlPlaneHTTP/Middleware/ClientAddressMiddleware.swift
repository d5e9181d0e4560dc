import HTTPTypes
import Hummingbird

/// Sets the request context's client address (sign-in throttling): the TCP peer, or the client
/// a trusted proxy names in `X-Forwarded-For` (`TrustedProxies`).
struct ClientAddressMiddleware: RouterMiddleware {
    let trusted: TrustedProxies

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws
        -> Response
    {
        guard !trusted.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = trusted.clientAddress(peer: context.clientAddress, forwardedFor: request.headers[values: .forwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let forwardedFor = Self("X-Forwarded-For")!
}
