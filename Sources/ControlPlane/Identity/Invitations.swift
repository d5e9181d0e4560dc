public import Foundation
import Logging
import PostgresNIO

/// Single-use invitations: how an account joins an organisation (`docs/access.md`, member
/// lifecycle). Issued to the inviting admin, who hands the code to the person; redeemed by the
/// account itself, signed in (an existing account) or by choosing its first password (a new one).
public struct Invitations: Sendable {
    let client: PostgresClient
    let store: InvitationStore
    let members: MemberStore
    let organizations: OrganizationStore
    let credentials: CredentialStore
    let audit: AuditTrail
    let settings: ControlPlaneSettings
    let logger: Logger
    let now: WallClock

    static let invalidCode = ControlPlaneError.invalid("invalid, used, revoked or expired invitation code")

    /// A fresh invitation for an invited member (`manageMembers`; owners: `manageOwners`); their
    /// earlier unspent invitations stop working (`invitation.created` audited).
    public func reissue(_ access: OrgAccess, user reference: String) async throws -> (Member, OneTimeCode) {
        try access.require(.manageMembers)
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            guard let member = try await members.memberForUpdate(org: access.org.id, reference: reference, on: connection) else {
                throw ControlPlaneError.notFound("no member '\(reference.prefix(80))' in '\(access.org.slug)'")
            }
            if member.role == .owner { try access.require(.manageOwners) }
            guard member.state == .invited else { throw ControlPlaneError.conflict("'\(member.user.email)' has already joined") }
            return (member, try await issue(access, user: member.user, at: at, on: connection))
        }
    }

    /// Creates the invitation inside the caller's transaction (member add, reissue).
    func issue(_ access: OrgAccess, user: User, at: Date, on connection: PostgresConnection) async throws -> OneTimeCode {
        try await store.revokePending(org: access.org.id, user: user.id, at: at, on: connection)
        let code = OneTimeCode(
            id: UUID(),
            prefix: "cpi_",
            page: "invite",
            issuer: settings.issuer,
            lifetime: settings.invitationLifetime,
            at: at
        )
        try await store.insert(code, org: access.org.id, user: user.id, by: access.caller.actor.id, at: at, on: connection)
        let event = AuditEvent(
            .invitationCreated,
            "invitation:\(code.id.lowercased)",
            ["user": "user:\(user.id.lowercased)", "email": user.email, "expires_at": "\(Int(code.expiresAt.timeIntervalSince1970))"]
        )
        try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
        return code
    }

    /// Invitations neither accepted nor revoked (`readMembers`), newest first.
    public func list(_ access: OrgAccess, page: PageRequest) async throws -> Page<Invitation> {
        try access.require(.readMembers)
        let after = try page.after(.invitations).map(ListCursor.TimeKey.init)
        let rows = try await store.open(org: access.org.id, at: now(), after: after, limit: page.fetch)
        return Page.of(rows, page, list: .invitations) { ListCursor.TimeKey($0.createdAt, $0.id).fields }
    }

    /// Revokes an unspent invitation (`manageMembers`; `invitation.revoked` audited).
    public func revoke(_ access: OrgAccess, id: UUID) async throws {
        try access.require(.manageMembers)
        let at = now()
        try await client.transaction(logger: logger) { connection in
            guard let user = try await store.revoke(id: id, org: access.org.id, at: at, on: connection) else {
                throw ControlPlaneError.notFound("no open invitation \(id.lowercased) in '\(access.org.slug)'")
            }
            let event = AuditEvent(.invitationRevoked, "invitation:\(id.lowercased)", ["user": "user:\(user.lowercased)"])
            try await audit.append(event, org: access.org.id, by: access.caller.actor, at: at, on: connection)
        }
    }

    /// An existing account accepts, signed in: the invitation must be for the caller's account.
    public func accept(code: String, caller: Caller) async throws -> Membership {
        guard let user = caller.userID else { throw ControlPlaneError.invalid("only a user's own credential can accept an invitation") }
        let hash = try Self.hash(code)
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            guard let taken = try await store.take(hash: hash, at: at, on: connection) else { throw Self.invalidCode }
            guard taken.user == user else {
                throw ControlPlaneError.forbidden("this invitation is for another account; sign in as that account to accept it")
            }
            return try await join(taken, at: at, on: connection)
        }
    }

    /// A new account accepts by choosing its name and first password, and is signed in. An
    /// account that already has a credential or an active membership is refused (409): its
    /// holder signs in and accepts instead, so no invitation ever sets an existing password.
    public func accept(code: String, name: String, password: String) async throws -> (Membership, Session) {
        let hash = try Self.hash(code)
        try Validation.name(name)
        // Read first (without spending) so the password rules know the email and bcrypt only
        // runs for a real code, outside any transaction.
        guard let invitation = try await store.peek(hash: hash, at: now()) else { throw Self.invalidCode }
        try Passwords.validate(password, email: invitation.email)
        let passwordHash = try await Passwords.hash(password)
        let at = now()
        return try await client.transaction(logger: logger) { connection in
            guard let taken = try await store.take(hash: hash, at: at, on: connection) else { throw Self.invalidCode }
            guard try await store.claimNewAccount(user: taken.user, name: name, passwordHash: passwordHash, on: connection) else {
                throw ControlPlaneError.conflict(
                    "this account already exists: sign in and accept the invitation with your session (send only the code)"
                )
            }
            let membership = try await join(taken, at: at, on: connection)
            let session = try await credentials.newSession(user: taken.user, lifetime: settings.sessionLifetime, at: at, on: connection)
            return (membership, session)
        }
    }

    private func join(_ taken: (id: UUID, org: UUID, user: UUID), at: Date, on connection: PostgresConnection) async throws -> Membership {
        guard let role = try await store.activate(org: taken.org, user: taken.user, at: at, on: connection),
            let org = try await organizations.find(id: taken.org, on: connection)
        else { throw ControlPlaneError.conflict("the membership this invitation was for no longer exists") }
        let actor = AuditActor("user:\(taken.user.lowercased)")
        try await audit.append(
            AuditEvent(.invitationAccepted, "invitation:\(taken.id.lowercased)", ["role": role.rawValue]),
            org: taken.org,
            by: actor,
            at: at,
            on: connection
        )
        return Membership(org: org, role: role)
    }

    /// What `code` invites to (public: the code is the credential), without spending it; the
    /// acceptance's one answer for an unknown, spent, revoked or expired code.
    public func lookup(code: String) async throws -> InvitationPreview {
        guard let preview = try await store.describe(hash: try Self.hash(code), at: now()) else { throw Self.invalidCode }
        return preview
    }

    static func hash(_ code: String) throws -> Data {
        guard code.hasPrefix("cpi_"), code.utf8.count <= 128 else { throw invalidCode }
        return Secrets.hash(code)
    }
}
