import Foundation
import Logging
import PostgresNIO

/// Organisations: creation (with the built-in roles), listing, deletion, and a caller's standing
/// in one, which every other use case receives.
public struct Organizations: Sendable {
    let client: PostgresClient
    let store: OrganizationStore
    let members: MemberStore
    let roles: AccessStore
    let audit: AuditTrail
    let logger: Logger
    let now: WallClock

    /// Creates an organisation with the built-in OS roles (`org.created` audited); a user who
    /// creates one becomes its owner. Service accounts cannot create organisations.
    public func create(by caller: Caller, slug: String, name: String) async throws -> Organization {
        if case .serviceAccount = caller.identity { throw ControlPlaneError.forbidden("service accounts cannot create organisations") }
        try Validation.slug(slug)
        try Validation.name(name)
        let org = Organization(id: UUID(), slug: slug, name: name, createdAt: now())
        return try await client.transaction(logger: logger) { connection in
            try await store.insert(org, on: connection)
            try await audit.append(
                .init(.orgCreated, "org:\(slug)", ["name": name]),
                org: org.id,
                by: caller.actor,
                at: org.createdAt,
                on: connection
            )
            try await roles.installBuiltinRoles(org: org.id, at: org.createdAt, on: connection)
            if let owner = caller.userID {
                try await members.insertMembership(org: org.id, user: owner, role: .owner, at: org.createdAt, on: connection)
            }
            return org
        }
    }

    /// The organisations the caller can see: all for the superuser, memberships for users.
    public func list(for caller: Caller, page: PageRequest) async throws -> Page<Organization> {
        let after = try page.after(.organizations).map { $0[0] }
        let rows: [Organization] =
            switch caller.identity {
            case .superuser: try await store.all(only: nil, after: after, limit: page.fetch)
            case .user(let id): try await store.memberships(user: id, after: after, limit: page.fetch)
            case .serviceAccount(_, let org, _): try await store.all(only: org, after: after, limit: page.fetch)
            }
        return Page.of(rows, page, list: .organizations) { [$0.slug] }
    }

    /// The caller's standing in the organisation `slug` (``Standing/check(_:slug:)``), checked
    /// for no permission yet.
    public func access(_ caller: Caller, org slug: String) async throws -> OrgAccess {
        try Validation.slug(slug)
        guard let stored = try await store.withMembership(slug: slug, user: caller.userID) else { throw Self.unknown(slug) }
        let standing = Standing(
            org: stored.org.id,
            requireMFA: stored.org.requireMFA,
            role: stored.role,
            disabled: stored.disabled == true,
            hasTOTP: stored.hasTOTP
        )
        return OrgAccess(org: stored.org, role: try standing.check(caller, slug: slug), caller: caller)
    }

    /// Changes the organisation's settings (`manageMembers`: who may act depends on it): its
    /// name and `require_mfa`. A user turning the requirement on must have TOTP on themself, so
    /// the change cannot lock its author out (409). Audited as `org.updated`.
    public func update(_ access: OrgAccess, name: String? = nil, requireMFA: Bool?) async throws -> Organization {
        try access.require(.manageMembers)
        if let name { try Validation.name(name) }
        var org = access.org
        let renamed = name.map { $0 != org.name } ?? false
        let mfaChanged = requireMFA.map { $0 != org.requireMFA } ?? false
        guard renamed || mfaChanged else { return org }
        if mfaChanged, requireMFA == true, let user = access.caller.userID, try await !secondFactorOn(user: user, org: org.slug) {
            throw ControlPlaneError.conflict("turn on TOTP for your own account before requiring it of admins and owners")
        }
        if let name { org.name = name }
        if let requireMFA { org.requireMFA = requireMFA }
        var details: [String: String] = [:]
        if renamed { details["name"] = org.name }
        if mfaChanged { details["require_mfa"] = "\(org.requireMFA)" }
        try await client.transaction(logger: logger) { [org, details] connection in
            try await store.update(org, on: connection)
            try await audit.append(
                .init(.orgUpdated, "org:\(org.slug)", details),
                org: org.id,
                by: access.caller.actor,
                at: now(),
                on: connection
            )
        }
        return org
    }

    private func secondFactorOn(user: UUID, org slug: String) async throws -> Bool {
        try await store.withMembership(slug: slug, user: user)?.hasTOTP ?? false
    }

    /// The organisation itself (`readOrg`).
    public func get(_ access: OrgAccess) throws -> Organization {
        try access.require(.readOrg)
        return access.org
    }

    /// Deletes the organisation and everything in it (`org.deleted` audited; the trail stays).
    public func delete(_ access: OrgAccess) async throws {
        try access.require(.deleteOrg)
        try await client.transaction(logger: logger) { connection in
            try await store.delete(access.org.id, on: connection)
            try await audit.closeChain(org: access.org, by: access.caller.actor, at: now(), on: connection)
        }
        // Cached signers of its OSes become unreachable: OS rows are gone and ids are never reused.
    }

    /// Installs missing built-in roles in every organisation (after an upgrade that added them).
    public func installBuiltinRoles() async throws {
        let at = now()
        try await client.transaction(logger: logger) { connection in
            for org in try await store.ids(on: connection) { try await roles.installBuiltinRoles(org: org, at: at, on: connection) }
        }
    }

    /// The organisation `slug`, for callers that checked nothing about a caller (public routes).
    func find(slug: String) async throws -> Organization {
        try Validation.slug(slug)
        guard let org = try await store.find(slug: slug) else { throw Self.unknown(slug) }
        return org
    }
}

extension Organizations {
    /// An unknown organisation, and one the caller does not stand in: the same 404.
    static func unknown(_ slug: String) -> ControlPlaneError { .notFound("no organisation '\(slug)'") }

    /// What decides a caller's standing in one organisation, as a query read it: `access` reads it
    /// with the organisation, token issuance in its own one query.
    struct Standing {
        var org: UUID
        var requireMFA: Bool
        /// The calling user's active membership (an invited one counts as none).
        var role: OrgRole?
        var disabled: Bool
        var hasTOTP: Bool

        /// The organisation-standing rule, the one place it is written.
        ///
        /// Non-members get the same 404 as for an unknown organisation, so slugs cannot be probed;
        /// disabled members get 403 on every call. Where the organisation requires MFA, an admin or
        /// owner without TOTP gets 403 `mfa_required` on every call, whatever user credential they
        /// use (a session or one of their API keys: a key made with a password alone must not
        /// bypass the rule); service accounts and the superuser key are not persons and pass.
        ///
        /// - Returns: the user's role; `nil` for the superuser key and service accounts.
        func check(_ caller: Caller, slug: String) throws -> OrgRole? {
            let notFound = Organizations.unknown(slug)
            switch caller.identity {
            case .superuser:
                return nil
            case .user:
                guard let role else { throw notFound }
                if disabled { throw ControlPlaneError.forbidden("your membership of '\(slug)' is disabled") }
                if requireMFA, role >= .admin, !hasTOTP {
                    throw ControlPlaneError.mfaRequired(
                        "'\(slug)' requires its admins and owners to use a second factor: turn on TOTP (POST /v1/me/mfa/totp, then confirm) and sign in again"
                    )
                }
                return role
            case .serviceAccount(_, let accountOrg, _):
                guard accountOrg == org else { throw notFound }
                return nil
            }
        }
    }
}
