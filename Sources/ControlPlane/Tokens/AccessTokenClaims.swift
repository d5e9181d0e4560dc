public import Foundation

/// The access-token claims contract of `docs/api.md` (token requests) (times in whole seconds).
public struct AccessTokenClaims: Codable, Equatable, Sendable {
    public var iss: String
    public var sub: String
    public var aud: String
    public var iat: Int
    public var nbf: Int
    public var exp: Int
    public var jti: String
    public var scopes: [String]
    public var session_id: String?
    public var email: String?
    public var name: String?
    public var org: String?
    /// Where the token's revocation status is (Token Status List), when status lists are on.
    public var status: TokenStatusClaim?
    /// The subject's OS role slugs, for Agno's `roles_claim`, when the OS asks for them.
    public var roles: [String]?

    public init(
        issuer: String,
        subject: String,
        audience: String,
        issuedAt: Date,
        lifetime: TimeInterval,
        scopes: [String],
        sessionID: String? = nil,
        email: String? = nil,
        name: String? = nil,
        org: String? = nil,
        status: TokenStatusClaim? = nil,
        roles: [String]? = nil
    ) {
        let seconds = Int(issuedAt.timeIntervalSince1970)
        self.iss = issuer
        self.sub = subject
        self.aud = audience
        self.iat = seconds
        self.nbf = seconds
        self.exp = seconds + Int(lifetime)
        self.jti = UUID().uuidString.lowercased()
        self.scopes = scopes
        self.session_id = sessionID
        self.email = email
        self.name = name
        self.org = org
        self.status = status
        self.roles = roles
    }
}
