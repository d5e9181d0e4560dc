import ControlPlane
import HTTPTypes
import Hummingbird

/// Authenticates `/v1` callers with `Authorization: Bearer <credential>`: an API key (`cpk_`),
/// a sign-in session (`cps_`) or a service-account secret (`cpsa_`); without that header, the
/// console's session cookie (`CookieSessions`: sessions only, CSRF-checked on mutating requests).
///
/// The operations the document marks public (``DocumentRules``) pass without a credential and
/// without a caller.
struct CallerMiddleware: RouterMiddleware {
    let authentication: Authentication
    let cookies: CookieSessions

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws
        -> Response
    {
        if DocumentRules.document.isPublic(method: request.method.rawValue, path: context.endpointPath ?? "") {
            return try await next(request, context)
        }
        var context = context
        if let session = try cookies.credential(request) {
            do {
                context.caller = try await authentication.authenticate(bearer: session)
            } catch ControlPlaneError.unauthenticated(let message) {
                // A dead session: the cookies go too, so the console shows its sign-in page.
                throw APIError(.unauthorized, code: "unauthorized", message: message, headers: cookies.clear(request))
            }
            context.cookieSession = true
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw APIError.unauthorized("missing credentials: send Authorization: Bearer <api key or session token>")
        }
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
