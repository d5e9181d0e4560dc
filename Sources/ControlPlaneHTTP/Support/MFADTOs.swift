import ControlPlane
import Foundation

// Requests and responses of sign-in's second step (TOTP enrolment is served by the generated
// protocol, `APIHandler+MFA.swift`).

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
