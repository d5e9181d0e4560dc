import AgentOSAuthHummingbird
import HTTPTypes
import Hummingbird

/// Answers for the origins of `CORS_ORIGIN_LIST`. Outermost, so preflights are answered before the
/// token check and refusals (401, 403) still carry the headers a page needs to read their `detail`.
struct CORSOriginsMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: CORSOrigins

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], allowed.origins.contains(origin) else { return try await next(request, context) }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = request.headers[.accessControlRequestHeaders] ?? "authorization, content-type"
            response.headers[.accessControlMaxAge] = "600"
            Self.allow(origin, &response.headers)
            return response
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.allow(origin, &response.headers)
        return response
    }

    static func allow(_ origin: String, _ headers: inout HTTPFields) {
        headers[.accessControlAllowOrigin] = origin
        headers[.vary] = "Origin"
    }
}
