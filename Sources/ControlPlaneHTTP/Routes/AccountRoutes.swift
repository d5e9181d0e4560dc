import ControlPlane
import Foundation
import Hummingbird

/// Redeeming a password reset (the account routes `/v1/me…` and issuing resets are served by the
/// generated protocol, `APIHandler+Account.swift`).
struct AccountRoutes {
    let accounts: Accounts

    /// Redeeming a reset is public: whoever holds the code has no working credential.
    func registerPublic(on router: Router<APIRequestContext>) {
        router.post("/v1/auth/password-reset") { request, context in
            let body = try await request.decodeJSON(RedeemResetRequest.self, context: context)
            try await accounts.redeemReset(code: body.code, password: body.password)
            return Response(status: .noContent)
        }
    }
}
