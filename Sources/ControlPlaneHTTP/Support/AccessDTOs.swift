import AgentOSAuth
import ControlPlane
import Foundation

// Requests and responses of the identity, access and token routes (snake_case on the wire).

struct LoginRequest: Decodable {
    var email: String
    var password: String
}

/// `{"user": "<id or email>"}` or `{"service_account": "<id>"}`, exactly one.
struct SubjectBody {
    var user: String?
    var service_account: String?

    func reference() throws -> SubjectReference {
        switch (user, service_account) {
        case (let user?, nil): .user(user)
        case (nil, let account?): .serviceAccount(account)
        default: throw APIError.badRequest("subject must be {\"user\": id-or-email} or {\"service_account\": id}")
        }
    }
}

struct IssueTokenRequest: Decodable {
    var subject: String?
    var scopes: [String]?
    var ttl_seconds: Int?
    var session_id: String?
}

/// `POST …/token-revocations`: exactly one of the three.
struct RevokeTokensRequest: Decodable {
    var jti: String?
    var token: String?
    var subject: String?
}

func parseRole(_ text: String) throws -> OrgRole {
    guard let role = OrgRole(rawValue: text) else { throw APIError.badRequest("role must be owner, admin or member") }
    return role
}

func parseUUID(_ text: String, _ what: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else { throw APIError.badRequest("\(what) must be a UUID") }
    return id
}

struct TokenDTO: Encodable {
    var access_token: String
    var token_type = "Bearer"
    var expires_in: Int
    var expires_at: Date
    var scopes: [String]
    var kid: String
    var jti: String
    init(_ token: IssuedToken) {
        access_token = token.accessToken
        expires_in = token.expiresIn
        expires_at = token.expiresAt
        scopes = token.scopes
        kid = token.kid
        jti = token.jti
    }
}
