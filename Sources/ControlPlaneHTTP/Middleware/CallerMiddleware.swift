import ControlPlane
import HTTPTypes
import Hummingbird

/// Authenticates `/v1` callers with `Authorization: Bearer <credential>`: an API key (`cpk_`),
/// a sign-in session (`cps_`) or a service-account secret (`cpsa_`).
struct CallerMiddleware: RouterMiddleware {
    let service: ControlPlaneService

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw APIError.unauthorized("missing credentials: send Authorization: Bearer <api key or session token>")
        }
        var context = context
        context.caller = try await service.authenticate(bearer: String(header.dropFirst(7)))
        return try await next(request, context)
    }
}

extension APIRequestContext {
    /// The caller's access to the `{org}` of the path, checked for `permission`.
    func access(_ service: ControlPlaneService, _ permission: Permission) async throws -> OrgAccess {
        try await service.authorize(try requireCaller(), org: try parameters.require("org"), permission)
    }
}
