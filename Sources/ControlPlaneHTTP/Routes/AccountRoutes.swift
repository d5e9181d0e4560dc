import ControlPlane
import Foundation
import Hummingbird

/// The caller's own account (`/v1/me…`) and password resets.
struct AccountRoutes {
    let organizations: Organizations
    let accounts: Accounts

    /// Redeeming a reset is public: whoever holds the code has no working credential.
    func registerPublic(on router: Router<APIRequestContext>) {
        router.post("/v1/auth/password-reset") { request, context in
            let body = try await request.decodeJSON(RedeemResetRequest.self, context: context)
            try await accounts.redeemReset(code: body.code, password: body.password)
            return Response(status: .noContent)
        }
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("/me") { _, context in
            try JSONResponse(ProfileDTO(try await accounts.profile(try context.requireCaller())))
        }
        group.post("/me/password") { request, context in
            let body = try await request.decodeJSON(ChangePasswordRequest.self, context: context)
            try await accounts.changePassword(try context.requireCaller(), current: body.current_password, new: body.new_password)
            return Response(status: .noContent)
        }
        group.get("/me/sessions") { _, context in
            try JSONResponse(["sessions": try await accounts.sessions(try context.requireCaller()).map(SessionInfoDTO.init)])
        }
        group.delete("/me/sessions/{id}") { _, context in
            try await accounts.revokeSession(try context.requireCaller(), id: try parseUUID(try context.parameters.require("id"), "id"))
            return Response(status: .noContent)
        }
        group.post("/users/{user}/password-reset") { _, context in
            let code = try await accounts.issueReset(by: try context.requireCaller(), user: try context.parameters.require("user"))
            return try JSONResponse(OneTimeCodeDTO(code), status: .created, headers: .noStore)
        }
        group.post("/orgs/{org}/members/{user}/password-reset") { _, context in
            let access = try await context.access(organizations)
            let code = try await accounts.issueReset(access, member: try context.parameters.require("user"))
            return try JSONResponse(OneTimeCodeDTO(code), status: .created, headers: .noStore)
        }
    }
}
