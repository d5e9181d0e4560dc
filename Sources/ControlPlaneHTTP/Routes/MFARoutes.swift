import ControlPlane
import Foundation
import Hummingbird

/// The caller's own second factor (`/v1/me/mfa/totp…`). Reachable whatever an organisation
/// requires, so an admin refused with `mfa_required` can enrol.
struct MFARoutes {
    let secondFactor: SecondFactor

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("/me/mfa/totp") { _, context in
            let enrolment = try await secondFactor.enrol(try context.requireCaller())
            return try JSONResponse(TOTPEnrolmentDTO(enrolment), status: .created, headers: .noStore)
        }
        group.post("/me/mfa/totp/confirm") { request, context in
            let body = try await request.decodeJSON(ConfirmTOTPRequest.self, context: context)
            let codes = try await secondFactor.confirm(try context.requireCaller(), code: body.code)
            return try JSONResponse(["recovery_codes": codes], headers: .noStore)
        }
        group.post("/me/mfa/totp/disable") { request, context in
            let body = try await request.decodeJSON(DisableTOTPRequest.self, context: context)
            try await secondFactor.disable(try context.requireCaller(), password: body.password, code: body.code)
            return Response(status: .noContent)
        }
    }
}
