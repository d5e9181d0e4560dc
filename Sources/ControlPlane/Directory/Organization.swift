public import AgentOSAuth
public import Foundation

/// An organisation: the owner of OS instances, members and roles.
public struct Organization: Sendable, Codable, Equatable {
    public var id: UUID
    public var slug: String
    public var name: String
    public var createdAt: Date
    /// Members with the admin or owner role must have TOTP on to act here (`docs/access.md`).
    public var requireMFA = false
}

/// A registered AgentOS instance.
public struct OSInstance: Sendable, Encodable, Equatable {
    public var id: String
    public var name: String
    public var url: String?
    public var authorizationEnabled: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// Tokens for this OS carry a `roles` claim with the subject's OS role slugs (Agno's `roles_claim`).
    public var rolesClaim: Bool = false
    /// Seconds a key stays active before the scheduler rotates it (`nil`: rotated by hand only;
    /// `docs/keys.md`, rotation on a schedule).
    public var rotationPeriod: Int?
    /// What verifies its tokens, which bounds its keys, schedule and environment.
    public var verifier: OSVerifier = .agno
    /// The last JWKS fetch a verifier made naming this OS (`nil`: none recorded).
    public var jwksFetch: JWKSFetch?
    var internalID: UUID
    var orgID: UUID

    enum CodingKeys: String, CodingKey {
        case id, name, url, authorizationEnabled, createdAt, updatedAt, rolesClaim, rotationPeriod, verifier, jwksFetch
    }
}

/// The lifecycle state of a signing key.
public enum KeyState: String, Sendable, Codable {
    case pending, active, retiring, retired, revoked

    /// Published in the JWKS.
    public var isPublished: Bool { self == .pending || self == .active || self == .retiring }
}

/// A signing key's public description; never any private material.
public struct SigningKeyInfo: Sendable, Equatable {
    public var kid: String
    public var algorithm: SigningAlgorithm
    public var state: KeyState
    public var createdAt: Date
    public var activatedAt: Date?
    public var retireAt: Date?
    public var publicKeyPEM: String
    public var jwk: [String: String]
}
