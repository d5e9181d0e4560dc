import ControlPlane
import Foundation
import HTTPTypes

// Requests and responses of invitations, the caller's own account and password resets.

extension HTTPFields {
    /// On every response that carries a secret (shown once): no cache may keep it.
    static let noStore: HTTPFields = [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]
}

struct AcceptInvitationRequest: Decodable {
    var code: String
    var name: String?
    var password: String?
}

/// `{"token", "expires_at"}`: a new sign-in session; `token` is left out when it went into the
/// console's cookie instead (`CookieSessions.deliver`).
struct SessionDTO: Encodable {
    var token: String?
    var expires_at: Date
}

/// The membership an invitation activated; with a session when a new account was created.
struct AcceptedDTO: Encodable {
    var organization: Components.Schemas.Organization
    var role: String
    var token: String?
    var expires_at: Date?
}

struct RedeemResetRequest: Decodable {
    var code: String
    var password: String
}
