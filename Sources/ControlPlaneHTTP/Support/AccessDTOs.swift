import AgentOSAuth
import ControlPlane
import Foundation

// Requests and responses of the identity, access and token routes (snake_case on the wire).

struct LoginRequest: Decodable {
    var email: String
    var password: String
}

struct AddMemberRequest: Decodable {
    var email: String
    var name: String
    var role: String
    var password: String?
}

struct UpdateMemberRequest: Decodable {
    var role: String?
    var disabled: Bool?
}

/// `{"user": "<id or email>"}` or `{"service_account": "<id>"}`, exactly one.
struct SubjectBody: Decodable {
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

struct CreateServiceAccountRequest: Decodable {
    var name: String
    var token_broker: Bool?
}

struct ExplainRequest: Decodable {
    var subject: SubjectBody?
    var token: String?
    var method: String
    var path: String
}

func parseRole(_ text: String) throws -> OrgRole {
    guard let role = OrgRole(rawValue: text) else { throw APIError.badRequest("role must be owner, admin or member") }
    return role
}

func parseUUID(_ text: String, _ what: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else { throw APIError.badRequest("\(what) must be a UUID") }
    return id
}

struct UserDTO: Encodable {
    var id: String
    var email: String
    var name: String
    init(_ user: User) {
        id = user.id.uuidString.lowercased()
        email = user.email
        name = user.name
    }
}

struct MemberDTO: Encodable {
    var user: UserDTO
    var role: String
    var disabled: Bool
    var created_at: Date
    var state: String
    init(_ member: Member) {
        user = UserDTO(member.user)
        role = member.role.rawValue
        disabled = member.disabled
        created_at = member.createdAt
        state = member.state.rawValue
    }
}

struct SubjectDTO: Encodable {
    var type: String
    var id: String
    var label: String
    /// The token `sub` this subject gets.
    var sub: String
    init(_ subject: Subject) {
        type = subject.kind.rawValue
        id = subject.id.uuidString.lowercased()
        label = subject.label
        sub = subject.tokenSubject
    }
}

struct SourceDTO: Encodable {
    var kind: String
    var id: String
    var role: String?
    var os: String?
    init(_ source: EffectiveAccess.Source) {
        kind = source.kind.rawValue
        id = source.id.uuidString.lowercased()
        role = source.role
        os = source.os
    }
}

struct AccessDTO: Encodable {
    struct Granted: Encodable {
        var scope: String
        var sources: [SourceDTO]
    }
    var subject: SubjectDTO
    var scopes: [String]
    var granted_by: [Granted]
    init(_ access: EffectiveAccess) {
        subject = SubjectDTO(access.subject)
        scopes = access.scopes
        granted_by = access.grantedBy.map { Granted(scope: $0.scope, sources: $0.sources.map(SourceDTO.init)) }
    }
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

struct ServiceAccountDTO: Encodable {
    var id: String
    var name: String
    var client_id: String
    var token_broker: Bool
    var created_at: Date
    var revoked_at: Date?
    /// Only in the creation response.
    var client_secret: String?
    init(_ account: ServiceAccount, secret: String? = nil) {
        id = account.id.uuidString.lowercased()
        name = account.name
        client_id = account.clientID
        token_broker = account.tokenBroker
        created_at = account.createdAt
        revoked_at = account.revokedAt
        client_secret = secret
    }
}

struct ExplainDTO: Encodable {
    var allowed: Bool
    var status: Int
    var required_scopes: [String]
    var matched_scopes: [String]
    var granted_by: [String: [SourceDTO]]
    var detail: String?
    var subject: String?
    init(_ explanation: Explanation) {
        allowed = explanation.evaluation.allowed
        status = explanation.evaluation.status
        required_scopes = explanation.evaluation.requiredScopes
        matched_scopes = explanation.evaluation.matchedScopes
        granted_by = explanation.grantedBy.mapValues { $0.map(SourceDTO.init) }
        detail = explanation.evaluation.detail
        subject = explanation.subject
    }
}
