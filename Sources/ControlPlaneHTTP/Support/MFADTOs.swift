import ControlPlane
import Foundation

// Requests and responses of sign-in's second step, TOTP enrolment and the MFA requirement.

/// The answer to a right password of an account with TOTP: complete with `/v1/auth/login/mfa`.
struct MFAChallengeDTO: Encodable {
    var mfa_required = true
    var mfa_token: String
    var expires_at: Date
    init(_ challenge: SecondFactor.Challenge) {
        mfa_token = challenge.token
        expires_at = challenge.expiresAt
    }
}

struct SecondFactorLoginRequest: Decodable {
    var mfa_token: String
    var code: String
}

struct TOTPEnrolmentDTO: Encodable {
    var secret: String
    var otpauth_uri: String
    init(_ enrolment: TOTPEnrolment) {
        secret = enrolment.secret
        otpauth_uri = enrolment.otpauthURI
    }
}

struct ConfirmTOTPRequest: Decodable {
    var code: String
}

struct DisableTOTPRequest: Decodable {
    var password: String
    var code: String
}
