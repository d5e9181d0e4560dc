public import Foundation

/// An API key of a user, as listed (never the secret).
public struct APIKeyInfo: Sendable {
    public var id: UUID
    public var name: String
    public var prefix: String
    public var createdAt: Date
    public var expiresAt: Date?
}

/// A new sign-in session; the token is shown once and stored only as SHA-256.
public struct Session: Sendable {
    public var token: String
    public var expiresAt: Date
}

/// What revoking a superuser key did.
enum SuperuserKeyRevocation: Sendable { case revoked, missing, last }
