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

    /// The user id, for user callers.
    public var userID: UUID? {
        if case .user(let id) = identity { return id }
        return nil
    }

    /// The audit trail's name for the caller.
    public var actor: AuditActor {
        switch identity {
        case .superuser(let keyID): AuditActor("apikey:\(keyID.uuidString.lowercased())")
        case .user(let id): AuditActor("user:\(id.uuidString.lowercased())")
        case .serviceAccount(let id, _, _): AuditActor("svc:\(id.uuidString.lowercased())")
        }
    }

    public init(identity: Identity, credential: Credential, name: String) {
        self.identity = identity
        self.credential = credential
        self.name = name
    }
}
