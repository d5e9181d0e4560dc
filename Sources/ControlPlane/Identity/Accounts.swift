public import Foundation
import Logging
import PostgresNIO

/// What a user sees of their own account (`GET /v1/me`).
public struct Profile: Sendable {
    public struct Joined: Sendable {
        public var org: Organization
        public var role: OrgRole
        public var disabled: Bool
    }
    public var user: User
    public var memberships: [Joined]
    public var mfa: MFAStatus
}

/// A live sign-in session of the caller, as listed (never the token).
public struct SessionInfo: Sendable {
    public var id: UUID
    public var createdAt: Date
    public var expiresAt: Date
    /// The session this request was made with.
    public var current: Bool
}

/// The caller's own account: profile, password change, sessions, and password resets — a
/// single-use code issued to a superuser (or an org admin, for an account of theirs alone) and
/// redeemed by whoever the code is handed to, never a password chosen by someone else.
public struct Accounts: Sendable {
    let client: PostgresClient
    let store: AccountStore
    let members: MemberStore
    let secondFactor: SecondFactor
    let throttle: LoginThrottle
    let audit: AuditTrail
    let settings: ControlPlaneSettings
    let logger: Logger
    let now: WallClock

    static let resetInvalid = ControlPlaneError.invalid("invalid, used or expired password-reset code")

    static func user(_ caller: Caller) throws -> UUID {
        guard let user = caller.userID else {
            throw ControlPlaneError.invalid("only users have an account; this credential is not a user's")
        }
        return user
    }

    public func profile(_ caller: Caller) async throws -> Profile {
        let id = try Self.user(caller)
        guard let (user, _) = try await store.user(id) else { throw ControlPlaneError.unauthenticated("invalid or expired credentials") }
        let joined = try await store.memberships(user: id).map { Profile.Joined(org: $0.0, role: $0.1, disabled: $0.2) }
        return Profile(user: user, memberships: joined, mfa: try await secondFactor.status(user: id))
    }

    /// Changes the caller's password: the current one is checked (throttled like sign-in), the
    /// caller's other sessions and API keys end (whoever knew the old password may have made
    /// them; the credential making the change stays), and unspent reset codes stop working.
    public func changePassword(_ caller: Caller, current: String, new: String) async throws {
        let id = try Self.user(caller)
        guard let (user, stored) = try await store.user(id) else {
            throw ControlPlaneError.unauthenticated("invalid or expired credentials")
        }
        try Passwords.validate(new, email: user.email)
        let keys = ["email:" + user.email.lowercased()]
        let at = now()
        if let wait = throttle.reserve(keys, now: at) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }
        var outcome = LoginThrottle.Outcome.failed
        defer { throttle.finish(keys, outcome, now: now()) }
        guard current.utf8.count <= 1024, try await Passwords.verify(current, hash: stored) else {
            throw ControlPlaneError.forbidden("the current password is wrong")
        }
        outcome = .succeeded
        let hash = try await Passwords.hash(new)
        // The credential making the change stays; every other one of the account ends.
        let (keepSession, keepKey): (Data?, UUID?) =
            switch caller.credential {
            case .session(let session): (session, nil)
            case .apiKey(let key): (nil, key)
            case .clientSecret: (nil, nil)
            }
        try await client.transaction(logger: logger) { connection in
            try await store.setPassword(user: id, hash: hash, on: connection)
            try await store.revokeSessions(user: id, keep: keepSession, at: at, on: connection)
            try await store.revokeAPIKeys(user: id, keep: keepKey, at: at, on: connection)
            try await store.voidResets(user: id, at: at, on: connection)
        }
        logger.notice("password changed", metadata: ["user": "\(id.lowercased)"])
    }

    /// A page of the caller's live sessions, oldest first.
    public func sessions(_ caller: Caller, page: PageRequest) async throws -> Page<SessionInfo> {
        let id = try Self.user(caller)
        var current: Data?
        if case .session(let hash) = caller.credential { current = hash }
        let after = try page.after(.sessions).map(ListCursor.TimeKey.init)
        let rows = try await store.sessions(user: id, at: now(), after: after, limit: page.fetch).map {
            SessionInfo(id: $0.0, createdAt: $0.1, expiresAt: $0.2, current: $0.3 == current)
        }
        return Page.of(rows, page, list: .sessions) { ListCursor.TimeKey($0.createdAt, $0.id).fields }
    }

    /// Ends one of the caller's sessions (404 for anyone else's).
    public func revokeSession(_ caller: Caller, id: UUID) async throws {
        guard try await store.revokeSession(id: id, user: try Self.user(caller), at: now()) else {
            throw ControlPlaneError.notFound("no live session \(id.lowercased)")
        }
    }

    /// A reset code for any account (the superuser key only); audited in each organisation the
    /// account belongs to.
    public func issueReset(by caller: Caller, user reference: String) async throws -> OneTimeCode {
        guard case .superuser = caller.identity else {
            throw ControlPlaneError.forbidden(
                "only the superuser key resets any account; an org admin uses /v1/orgs/{org}/members/{user}/password-reset"
            )
        }
        guard let user = try await store.user(reference: reference) else {
            throw ControlPlaneError.notFound("no user '\(reference.prefix(80))'")
        }
        return try await client.transaction(logger: logger) { connection in
            try await issueReset(
                user,
                by: caller.actor,
                issuerOrg: nil,
                orgs: try await store.organizations(of: user.id, on: connection),
                on: connection
            )
        }
    }

    /// A reset code for a member (`manageMembers`; owners: `manageOwners`) who has accepted the
    /// invitation (409 before), only when the account belongs to no other organisation: otherwise
    /// this admin could take over a person another organisation trusts (403; a superuser can
    /// still do it).
    public func issueReset(_ access: OrgAccess, member reference: String) async throws -> OneTimeCode {
        try access.require(.manageMembers)
        return try await client.transaction(logger: logger) { connection in
            guard let member = try await members.memberForUpdate(org: access.org.id, reference: reference, on: connection) else {
                throw ControlPlaneError.notFound("no member '\(reference.prefix(80))' in '\(access.org.slug)'")
            }
            if member.role == .owner { try access.require(.manageOwners) }
            // Until the person redeems the invitation, a reset would let the admin choose the
            // account's first password, and so be that person wherever the address goes next.
            guard member.state == .active else {
                throw ControlPlaneError.conflict(
                    "'\(member.user.email)' has not accepted the invitation yet: send a new invitation instead of a password reset"
                )
            }
            if try await members.belongsElsewhere(user: member.user.id, than: access.org.id, on: connection) {
                throw ControlPlaneError.forbidden(
                    "'\(member.user.email)' belongs to another organisation too; only a superuser can issue their password reset"
                )
            }
            return try await issueReset(
                member.user,
                by: access.caller.actor,
                issuerOrg: access.org.id,
                orgs: [access.org.id],
                on: connection
            )
        }
    }

    private func issueReset(_ user: User, by actor: AuditActor, issuerOrg: UUID?, orgs: [UUID], on connection: PostgresConnection)
        async throws
        -> OneTimeCode
    {
        let at = now()
        try await store.voidResets(user: user.id, at: at, on: connection)
        let code = OneTimeCode(
            id: UUID(),
            prefix: "cpr_",
            page: "reset",
            issuer: settings.issuer,
            lifetime: settings.passwordResetLifetime,
            at: at
        )
        try await store.insertReset(code, user: user.id, by: actor.id, issuerOrg: issuerOrg, at: at, on: connection)
        let event = AuditEvent(.passwordResetIssued, "user:\(user.id.lowercased)", ["email": user.email, "reset": code.id.lowercased])
        // The system chain too: an account of no organisation would otherwise leave no record.
        try await audit.appendSystem(event, by: actor, at: at, on: connection)
        // Chain locks in one order everywhere (the all-zero system chain first, then by id), so two
        // transactions that append to several chains never wait on each other in a cycle.
        for org in orgs.sorted(by: { $0.uuidString < $1.uuidString }) {
            try await audit.append(event, org: org, by: actor, at: at, on: connection)
        }
        return code
    }

    /// Redeems a reset code: sets the password, ends every session and revokes every API key of
    /// the account (whoever held them before no longer does). The code is spent first; it sets
    /// nothing unless the authority that issued it still covers every organisation of the
    /// account (``AccountStore/resetAuthorityHolds(_:at:on:)``): an org admin's code stops at the
    /// account's first membership elsewhere, or at the admin's own demotion (403, code spent).
    public func redeemReset(code: String, password: String) async throws {
        guard code.hasPrefix("cpr_"), code.utf8.count <= 128 else { throw Self.resetInvalid }
        let hash = Secrets.hash(code)
        guard let reset = try await store.peekReset(hash: hash, at: now()) else { throw Self.resetInvalid }
        try Passwords.validate(password, email: reset.email)
        let passwordHash = try await Passwords.hash(password)
        let at = now()
        let applied = try await client.transaction(logger: logger) { connection in
            guard let spent = try await store.takeReset(hash: hash, at: at, on: connection) else { throw Self.resetInvalid }
            // Spent either way: a code that lost its authority must not come back with it.
            guard try await store.resetAuthorityHolds(spent, at: at, on: connection) else { return false }
            try await store.setPassword(user: spent.user, hash: passwordHash, on: connection)
            try await store.revokeSessions(user: spent.user, keep: nil, at: at, on: connection)
            try await store.revokeAPIKeys(user: spent.user, at: at, on: connection)
            return true
        }
        guard applied else {
            logger.warning(
                "password reset refused: its issuer no longer covers the account",
                metadata: ["user": "\(reset.user.lowercased)"]
            )
            throw ControlPlaneError.forbidden(
                "this reset code no longer applies: whoever issued it no longer has authority over every organisation of the account; ask a superuser or the account's organisation for a new one"
            )
        }
        logger.notice("password reset redeemed", metadata: ["user": "\(reset.user.lowercased)"])
    }
}
