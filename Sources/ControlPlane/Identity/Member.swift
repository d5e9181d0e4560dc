public import Foundation

/// A user as the API shows them: never the password hash.
public struct User: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var name: String
}

/// A user's membership of an organisation.
public struct Member: Sendable, Equatable {
    /// `invited` until the account redeems the organisation's invitation; only then may it act here.
    public enum State: String, Sendable { case invited, active }
    public var user: User
    public var role: OrgRole
    public var disabled: Bool
    public var createdAt: Date
    public var state: State = .active
}

/// Who a role binding, grant, token or explanation is about.
public enum SubjectReference: Sendable, Equatable {
    /// A user by id or email.
    case user(String)
    /// A service account by id.
    case serviceAccount(String)
}

/// A subject resolved inside one organisation.
public struct Subject: Sendable, Equatable {
    public enum Kind: String, Sendable { case user, serviceAccount = "service_account" }
    public var kind: Kind
    public var id: UUID
    /// Email for users, name for service accounts.
    public var label: String

    /// The token's `sub`: the user id, or `svc:<id>` (never Agno's reserved `sa:`).
    public var tokenSubject: String {
        kind == .user ? id.uuidString.lowercased() : "svc:\(id.uuidString.lowercased())"
    }
}
