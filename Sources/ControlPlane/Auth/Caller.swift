public import Foundation

/// A caller of the control-plane API, as established from its bearer credential.
public struct Caller: Sendable, Equatable {
    /// Who is calling.
    public enum Identity: Sendable, Equatable {
        /// The bootstrap (or another superuser) API key: may do everything.
        case superuser(keyID: UUID)
        /// A user, through a session or one of their API keys; acts with the user's permissions.
        case user(UUID)
        /// A service account of one organisation, through its client secret.
        case serviceAccount(id: UUID, org: UUID, tokenBroker: Bool)
    }

    /// How the caller authenticated.
    public enum Credential: Sendable, Equatable {
        case apiKey(UUID)
        case session(Data)
        case clientSecret
    }

    public var identity: Identity
    public var credential: Credential
    public var name: String

    public var isSuperuser: Bool {
        if case .superuser = identity { return true }
        return false
    }

    /// The user id, for user callers.
    public var userID: UUID? {
        if case .user(let id) = identity { return id }
        return nil
    }

    /// The audit trail's name for the caller.
    public var actor: Actor {
        switch identity {
        case .superuser(let keyID): Actor("apikey:\(keyID.uuidString.lowercased())")
        case .user(let id): Actor("user:\(id.uuidString.lowercased())")
        case .serviceAccount(let id, _, _): Actor("svc:\(id.uuidString.lowercased())")
        }
    }
}
