import ControlPlane
import HTTPTypes
import Hummingbird

/// Authenticates `/v1` callers with `Authorization: Bearer <credential>`: an API key (`cpk_`),
/// a sign-in session (`cps_`) or a service-account secret (`cpsa_`).
struct CallerMiddleware: RouterMiddleware {
    let authentication: Authentication

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw APIError.unauthorized("missing credentials: send Authorization: Bearer <api key or session token>")
        }
        var context = context
        context.caller = try await authentication.authenticate(bearer: String(header.dropFirst(7)))
        return try await next(request, context)
    }
}

extension APIRequestContext {
    /// The caller's standing in the `{org}` of the path, resolved once; the use case it is
    /// handed to checks its own permission.
    func access(_ organizations: Organizations) async throws -> OrgAccess {
        try await organizations.access(try requireCaller(), org: try parameters.require("org"))
    }
}
