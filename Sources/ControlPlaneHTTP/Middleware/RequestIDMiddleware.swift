import HTTPTypes
public import Hummingbird
import Logging

/// Echoes Hummingbird's request id (`hb.request.id`, already on every log line of the request)
/// as `X-Request-Id`, so a client can quote it when reporting a problem.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let id = context.id
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            return response
        } catch let error as APIError {
            var error = error
            error.headers[.requestID] = id
            throw error
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}
