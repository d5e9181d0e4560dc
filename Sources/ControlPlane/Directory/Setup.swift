public import Foundation
import Logging
import PostgresNIO

/// The first owner of a fresh control plane (docs/security.md, "The first owner comes from the
/// terminal"): `serve` asks for a one-time code while no organisation exists and prints it as a
/// link; whoever has it creates the first organisation and becomes its owner, choosing their
/// own password, and is signed in.
public struct Setup: Sendable {
    let client: PostgresClient
    let store: SetupStore
    let organizations: OrganizationStore
    let members: MemberStore
    let roles: AccessStore
    let credentials: CredentialStore
    let audit: AuditTrail
    let sessionLifetime: TimeInterval
    let logger: Logger
    let now: WallClock

    /// How long a code is good for.
    public static let lifetime: TimeInterval = 3600
    /// Who the audit trail names for the organisation's creation.
    public static let actor = AuditActor("system:setup")
    static let done = ControlPlaneError.conflict("setup is done: this control plane has an organisation; ask its owner for an invitation")
    static let invalidCode = ControlPlaneError.unauthenticated(
        "this setup link is unknown, used or expired: restart `controlplane serve` for a new one"
    )

    /// What setup made: the organisation, the owner's account, and their session.
    public struct Done: Sendable {
        public var organization: Organization
        public var user: User
        public var session: Session
    }

    /// A new code while no organisation exists (shown once; only its SHA-256 is stored), else `nil`.
    public func issueCode() async throws -> String? {
        guard try await !store.organizationsExist() else { return nil }
        let code = Secrets.generate(prefix: "cpf_")
        let at = now()
        try await store.insert(hash: Secrets.hash(code), at: at, expires: at.addingTimeInterval(Self.lifetime))
        return code
    }

    /// Whether setup is still open: no organisation exists.
    public func isOpen() async throws -> Bool { try await !store.organizationsExist() }

    /// Creates the first organisation and its owner with `code`, in one transaction: the code is
    /// spent only if everything is made, and only while no organisation exists.
    public func complete(code: String, slug: String, organizationName: String, email: String, name: String, password: String)
        async throws -> Done
    {
        try Validation.slug(slug)
        try Validation.name(organizationName)
        let email = try Validation.email(email)
        try Validation.name(name)
        guard try await !store.organizationsExist() else { throw Self.done }
        guard code.hasPrefix("cpf_"), code.utf8.count <= 128 else { throw Self.invalidCode }
        let hash = Secrets.hash(code)
        // A live code before bcrypt, so a stranger cannot make the server hash passwords for nothing.
        guard try await store.isLive(hash: hash, at: now()) else { throw Self.invalidCode }
        try Passwords.validate(password, email: email)
        let passwordHash = try await Passwords.hash(password)
        let at = now()
        let org = Organization(id: UUID(), slug: slug, name: organizationName, createdAt: at)
        let user = User(id: UUID(), email: email, name: name)
        return try await client.transaction(logger: logger) { connection in
            try await store.lock(on: connection)
            guard try await !store.organizationsExist(on: connection) else { throw Self.done }
            guard try await store.take(hash: hash, at: at, on: connection) else { throw Self.invalidCode }
            // The other links (of earlier starts, of other replicas) end with this one.
            try await store.spendAll(at: at, on: connection)
            guard try await members.userForUpdate(email: email, on: connection) == nil else {
                throw ControlPlaneError.conflict("an account with this email exists; sign in with it and create an organisation there")
            }
            try await members.insertUser(user, passwordHash: passwordHash, at: at, on: connection)
            try await organizations.insert(org, on: connection)
            try await audit.append(
                .init(.orgCreated, "org:\(slug)", ["name": organizationName]),
                org: org.id,
                by: Self.actor,
                at: at,
                on: connection
            )
            try await roles.installBuiltinRoles(org: org.id, at: at, on: connection)
            try await members.insertMembership(org: org.id, user: user.id, role: .owner, at: at, on: connection)
            let added = AuditEvent(.memberAdded, "user:\(user.id.lowercased)", ["email": email, "role": OrgRole.owner.rawValue])
            try await audit.append(added, org: org.id, by: Self.actor, at: at, on: connection)
            let session = try await credentials.newSession(user: user.id, lifetime: sessionLifetime, at: at, on: connection)
            return Done(organization: org, user: user, session: session)
        }
    }
}
