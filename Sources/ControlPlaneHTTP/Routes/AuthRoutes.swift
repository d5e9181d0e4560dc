import ControlPlane
import Foundation
import Hummingbird

/// Sign-in sessions and the caller's own API keys.
struct AuthRoutes {
    let authentication: Authentication
    let metrics: ControlPlaneMetrics

    /// `POST /v1/auth/login` is public; it is registered on the router, outside the credential check.
    func registerPublic(on router: Router<APIRequestContext>) {
        router.post("/v1/auth/login") { request, context in
            let body = try await request.decodeJSON(LoginRequest.self, context: context)
            let session: Session
            do {
                session = try await authentication.login(email: body.email, password: body.password, clientAddress: context.clientAddress)
                metrics.signIn("success")
            } catch let error as ControlPlaneError {
                if case .tooManyRequests = error { metrics.signIn("throttled") } else { metrics.signIn("failure") }
                throw error
            }
            struct SessionDTO: Encodable {
                var token: String
                var expires_at: Date
            }
            return try JSONResponse(SessionDTO(token: session.token, expires_at: session.expiresAt), status: .created, headers: .noStore)
        }
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/auth/logout") { _, context in
            try await authentication.logout(try context.requireCaller())
            return Response(status: .noContent)
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
