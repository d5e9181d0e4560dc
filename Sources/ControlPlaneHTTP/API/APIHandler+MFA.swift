import ControlPlane
import Foundation

/// The caller's own second factor (`/v1/me/mfa/totp…`). Reachable whatever an organisation
/// requires (no organisation access is resolved here), so an admin refused with `mfa_required`
/// can enrol. The secret and the recovery codes are shown once (`no-store`).
extension APIHandler {
    func startTOTPEnrolment(_ input: Operations.StartTOTPEnrolment.Input) async throws -> Operations.StartTOTPEnrolment.Output {
        let enrolment = try await secondFactor.enrol(try RequestScope.current.requireCaller())
        return .created(
            .init(
                headers: .init(cacheControl: "no-store", pragma: "no-cache"),
                body: .json(.init(otpauthUri: enrolment.otpauthURI, secret: enrolment.secret))
            )
        )
    }

    func confirmTOTPEnrolment(_ input: Operations.ConfirmTOTPEnrolment.Input) async throws -> Operations.ConfirmTOTPEnrolment.Output {
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        let codes = try await secondFactor.confirm(try RequestScope.current.requireCaller(), code: body.code)
        return .ok(.init(headers: .init(cacheControl: "no-store", pragma: "no-cache"), body: .json(.init(recoveryCodes: codes))))
    }

    func disableTOTP(_ input: Operations.DisableTOTP.Input) async throws -> Operations.DisableTOTP.Output {
        guard case .json(let body) = input.body else { throw APIError.badRequest("a JSON body is required") }
        try await secondFactor.disable(try RequestScope.current.requireCaller(), password: body.password, code: body.code)
        return .noContent(.init())
    }
}
