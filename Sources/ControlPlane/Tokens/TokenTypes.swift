import AgentOSAuth
public import Foundation

/// What a caller asks for at `POST …/tokens`.
public struct TokenRequest: Sendable {
    /// A user id, an email or `svc:<id>`; `nil` = the caller.
    public var subject: String?
    /// Narrow to these scopes (each must be covered by the subject's effective scopes).
    public var scopes: [String]?
    public var ttlSeconds: Int?
    public var sessionID: String?

    public init(subject: String? = nil, scopes: [String]? = nil, ttlSeconds: Int? = nil, sessionID: String? = nil) {
        self.subject = subject
        self.scopes = scopes
        self.ttlSeconds = ttlSeconds
        self.sessionID = sessionID
    }
}

/// An issued access token and what it carries.
public struct IssuedToken: Sendable {
    public var accessToken: String
    public var expiresIn: Int
    public var expiresAt: Date
    public var scopes: [String]
    public var kid: String
    /// The JOSE algorithm of the signing key (`RS256`, `ES256`, `EdDSA`).
    public var algorithm: String
    public var jti: String
    public var subject: String
    /// The organisation's slug and the OS id the token is for (its `org` and `aud`).
    public var org: String
    public var os: String

    init(_ claims: AccessTokenClaims, signed: SigningKeys.SignedToken, org: String) {
        accessToken = signed.token
        expiresIn = claims.exp - claims.iat
        expiresAt = Date(timeIntervalSince1970: Double(claims.exp))
        scopes = claims.scopes
        kid = signed.kid
        algorithm = signed.algorithm.name
        jti = claims.jti
        subject = claims.sub
        self.org = org
        os = claims.aud
    }
}
