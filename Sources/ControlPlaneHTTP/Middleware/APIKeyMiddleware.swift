import ControlPlane
import HTTPTypes
import Hummingbird

/// Authenticates `/v1` callers with `Authorization: Bearer <cpk_…>`.
struct APIKeyMiddleware: RouterMiddleware {
    let service: ControlPlaneService

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw APIError.unauthorized("missing credentials: send Authorization: Bearer <api key>")
        }
        var context = context
        context.caller = try await service.authenticate(apiKey: String(header.dropFirst(7)))
        return try await next(request, context)
    }
}
