public import Foundation

/// A pending (or spent) invitation of one account into one organisation, as listed (never the code).
public struct Invitation: Sendable, Equatable {
    public enum State: String, Sendable { case pending, expired, accepted, revoked }
    public var id: UUID
    public var user: User
    public var role: OrgRole
    public var createdBy: String
    public var createdAt: Date
    public var expiresAt: Date
    public var state: State
}

/// A single-use code just issued (an invitation or a password reset): shown once to whoever
/// asked for it, who hands it to the account's holder; only its SHA-256 is stored.
public struct OneTimeCode: Sendable, Equatable {
    public var id: UUID
    public var code: String
    /// `<issuer>/console/invite#<code>` or `…/console/reset#<code>`: the code is in the fragment,
    /// which browsers never send to a server or put in a `Referer`.
    public var url: String
    public var expiresAt: Date

    init(id: UUID, prefix: String, page: String, issuer: String, lifetime: TimeInterval, at: Date) {
        self.id = id
        code = Secrets.generate(prefix: prefix)
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        url = "\(base)/console/\(page)#\(code)"
        expiresAt = at.addingTimeInterval(lifetime)
    }
}

/// A membership an invitation activated.
public struct Membership: Sendable, Equatable {
    public var org: Organization
    public var role: OrgRole
}
