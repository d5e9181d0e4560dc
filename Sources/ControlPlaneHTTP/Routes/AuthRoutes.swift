import ControlPlane
import Foundation
import Hummingbird

/// Sign-in sessions and the caller's own API keys.
struct AuthRoutes {
    let authentication: Authentication
    let metrics: ControlPlaneMetrics
    let cookies: CookieSessions

    /// `POST /v1/auth/login` is public; it is registered on the router, outside the credential check.
    func registerPublic(on router: Router<APIRequestContext>) {
        router.post("/v1/auth/login") { request, context in
            let body = try await request.decodeJSON(LoginRequest.self, context: context)
            _ = try cookies.wantsCookie(request)  // a cross-origin cookie sign-in is refused before any password check
            let session: Session
            do {
                session = try await authentication.login(email: body.email, password: body.password, clientAddress: context.clientAddress)
                metrics.signIn("success")
            } catch let error as ControlPlaneError {
                if case .tooManyRequests = error { metrics.signIn("throttled") } else { metrics.signIn("failure") }
                throw error
            }
            return try cookies.deliver(session, request: request, status: .created) { SessionDTO(token: $0, expires_at: session.expiresAt) }
        }
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/auth/logout") { request, context in
            try await authentication.logout(try context.requireCaller())
            return Response(status: .noContent, headers: context.cookieSession ? cookies.clear(request) : [:])
        }
        group.post("/api-keys") { request, context in
            let body = try await request.decodeJSON(CreateAPIKeyRequest.self, context: context)
            let (info, key) = try await authentication.createAPIKey(
                try context.requireCaller(),
                name: body.name,
                expiresInDays: body.expires_in_days
            )
            return try JSONResponse(APIKeyDTO(info, key: key), status: .created, headers: .noStore)
        }
        group.get("/api-keys") { _, context in
            try JSONResponse(["api_keys": try await authentication.listAPIKeys(try context.requireCaller()).map { APIKeyDTO($0) }])
        }
        group.delete("/api-keys/{id}") { _, context in
            try await authentication.deleteAPIKey(
                try context.requireCaller(),
                id: try parseUUID(try context.parameters.require("id"), "id")
            )
            return Response(status: .noContent)
        }
    }
}
