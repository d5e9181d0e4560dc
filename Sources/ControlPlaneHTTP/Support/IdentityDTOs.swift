import ControlPlane
import Foundation
import HTTPTypes

// Requests and responses of invitations, the caller's own account and password resets.

extension HTTPFields {
    /// On every response that carries a secret (shown once): no cache may keep it.
    static let noStore: HTTPFields = [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]
}

/// `{"code", "url", "expires_at"}`: an invitation or reset code, shown once.
struct OneTimeCodeDTO: Encodable {
    var id: String
    var code: String
    var url: String
    var expires_at: Date
    init(_ code: OneTimeCode) {
        id = code.id.uuidString.lowercased()
        self.code = code.code
        url = code.url
        expires_at = code.expiresAt
    }
}

/// A member just added or re-invited, with the invitation to hand to them.
struct InvitedMemberDTO: Encodable {
    var user: UserDTO
    var role: String
    var disabled: Bool
    var created_at: Date
    var state: String
    var invitation: OneTimeCodeDTO
    init(_ member: Member, _ code: OneTimeCode) {
        let plain = MemberDTO(member)
        user = plain.user
        role = plain.role
        disabled = plain.disabled
        created_at = plain.created_at
        state = plain.state
        invitation = OneTimeCodeDTO(code)
    }
}

struct InvitationDTO: Encodable {
    var id: String
    var user: UserDTO
    var role: String
    var state: String
    var created_by: String
    var created_at: Date
    var expires_at: Date
    init(_ invitation: Invitation) {
        id = invitation.id.uuidString.lowercased()
        user = UserDTO(invitation.user)
        role = invitation.role.rawValue
        state = invitation.state.rawValue
        created_by = invitation.createdBy
        created_at = invitation.createdAt
        expires_at = invitation.expiresAt
    }
}

struct ReinviteRequest: Decodable {
    var user: String
}

struct AcceptInvitationRequest: Decodable {
    var code: String
    var name: String?
    var password: String?
}

/// The membership an invitation activated; with a session when a new account was created.
/// `{"token", "expires_at"}`: a new sign-in session; `token` is left out when it went into the
/// console's cookie instead (`CookieSessions.deliver`).
struct SessionDTO: Encodable {
    var token: String?
    var expires_at: Date
}

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
