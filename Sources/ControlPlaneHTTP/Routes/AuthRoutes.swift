import ControlPlane
import Foundation
import Hummingbird

/// Sign-in sessions and the caller's own API keys.
struct AuthRoutes {
    let authentication: Authentication
    let metrics: ControlPlaneMetrics

    /// `POST /v1/auth/login` and its second step are public; they are registered on the router,
    /// outside the credential check.
    func registerPublic(on router: Router<APIRequestContext>) {
        router.post("/v1/auth/login") { request, context in
            let body = try await request.decodeJSON(LoginRequest.self, context: context)
            let signIn = try await counted {
                try await authentication.login(email: body.email, password: body.password, clientAddress: context.clientAddress)
            }
            switch signIn {
            case .session(let session):
                metrics.signIn("success")
                return try JSONResponse(SessionDTO(session), status: .created, headers: .noStore)
            case .secondFactor(let challenge):
                metrics.signIn("mfa_required")
                return try JSONResponse(MFAChallengeDTO(challenge), status: .ok, headers: .noStore)
            }
        }
        router.post("/v1/auth/login/mfa") { request, context in
            let body = try await request.decodeJSON(SecondFactorLoginRequest.self, context: context)
            let session = try await counted {
                try await authentication.completeSignIn(challenge: body.mfa_token, code: body.code, clientAddress: context.clientAddress)
            }
            metrics.signIn("success")
            return try JSONResponse(SessionDTO(session), status: .created, headers: .noStore)
        }
    }

    /// Runs a sign-in step, counting its refusals (`failure`, `throttled`).
    private func counted<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ControlPlaneError {
            if case .tooManyRequests = error { metrics.signIn("throttled") } else { metrics.signIn("failure") }
            throw error
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
