import ControlPlane
import Foundation
import Hummingbird

/// Sign-in sessions (the caller's API keys are served by the generated protocol, `APIHandler+Keys.swift`).
struct AuthRoutes {
    let authentication: Authentication
    let metrics: ControlPlaneMetrics
    let cookies: CookieSessions

    /// `POST /v1/auth/login` and its second step are public; they are registered on the router,
    /// outside the credential check.
    func registerPublic(on router: Router<APIRequestContext>) {
        router.post("/v1/auth/login") { request, context in
            let body = try await request.decodeJSON(Components.Schemas.SignInRequest.self, context: context)
            _ = try cookies.wantsCookie(request)  // a cross-origin cookie sign-in is refused before any password check
            let signIn = try await counted {
                try await authentication.login(email: body.email, password: body.password, clientAddress: context.clientAddress)
            }
            switch signIn {
            case .session(let session):
                metrics.signIn("success")
                return try cookies.deliver(session, request: request, status: .created) {
                    Components.Schemas.Session(expiresAt: session.expiresAt, token: $0)
                }
            case .secondFactor(let challenge):
                // Not a session: the challenge goes in the body either way, and the second step
                // delivers the session as this request asked (cookie or body).
                metrics.signIn("mfa_required")
                return try JSONResponse(Components.Schemas.MFAChallenge(challenge), status: .ok, headers: .noStore)
            }
        }
        router.post("/v1/auth/login/mfa") { request, context in
            let body = try await request.decodeJSON(Components.Schemas.SecondFactorSignInRequest.self, context: context)
            _ = try cookies.wantsCookie(request)
            let session = try await counted {
                try await authentication.completeSignIn(challenge: body.mfaToken, code: body.code, clientAddress: context.clientAddress)
            }
            metrics.signIn("success")
            return try cookies.deliver(session, request: request, status: .created) {
                Components.Schemas.Session(expiresAt: session.expiresAt, token: $0)
            }
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
        group.post("/auth/logout") { request, context in
            try await authentication.logout(try context.requireCaller())
            return Response(status: .noContent, headers: context.cookieSession ? cookies.clear(request) : [:])
        }
    }
}

extension Components.Schemas.MFAChallenge {
    /// The answer to a right password of an account with TOTP: complete with `/v1/auth/login/mfa`.
    init(_ challenge: SecondFactor.Challenge) {
        self.init(expiresAt: challenge.expiresAt, mfaRequired: true, mfaToken: challenge.token)
    }
}
