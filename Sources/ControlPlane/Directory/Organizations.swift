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
    let now: Clock

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
    public func list(for caller: Caller) async throws -> [Organization] {
        switch caller.identity {
        case .superuser: try await store.all()
        case .user(let id): try await store.memberships(user: id)
        case .serviceAccount(_, let org, _): try await store.all().filter { $0.id == org }
        }
    }

    /// The caller's standing in the organisation `slug`, checked for nothing yet.
    ///
    /// Non-members get the same 404 as for an unknown organisation, so slugs cannot be probed;
    /// disabled members get 403 on every call.
    public func access(_ caller: Caller, org slug: String) async throws -> OrgAccess {
        try Validation.slug(slug)
        let notFound = ControlPlaneError.notFound("no organisation '\(slug)'")
        guard let (org, role, disabled) = try await store.withMembership(slug: slug, user: caller.userID) else { throw notFound }
        switch caller.identity {
        case .superuser:
            return OrgAccess(org: org, role: nil, caller: caller)
        case .user:
            guard let role else { throw notFound }
            if disabled == true { throw ControlPlaneError.forbidden("your membership of '\(slug)' is disabled") }
            return OrgAccess(org: org, role: role, caller: caller)
        case .serviceAccount(_, let saOrg, _):
            guard saOrg == org.id else { throw notFound }
            return OrgAccess(org: org, role: nil, caller: caller)
        }
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
            try await audit.append(
                .init(.orgDeleted, "org:\(access.org.slug)"),
                org: access.org.id,
                by: access.caller.actor,
                at: now(),
                on: connection
            )
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
        guard let org = try await store.find(slug: slug) else { throw ControlPlaneError.notFound("no organisation '\(slug)'") }
        return org
    }
}
