import Foundation
import PostgresNIO

/// What a caller may do in one organisation, established once per request.
public struct OrgAccess: Sendable {
    public var org: Organization
    /// The caller's org role; `nil` for the superuser key and service accounts.
    public var role: OrgRole?
    public var caller: Caller

    /// Whether the caller holds `permission` here.
    public func allows(_ permission: Permission) -> Bool {
        switch caller.identity {
        case .superuser: true
        case .user: role?.allows(permission) ?? false
        case .serviceAccount(_, _, let broker): permission == .issueOwnToken || (broker && permission == .issueTokenForOthers)
        }
    }

    /// Throws 403 unless the caller holds `permission`.
    public func require(_ permission: Permission) throws {
        guard allows(permission) else {
            if case .serviceAccount = caller.identity {
                throw ControlPlaneError.forbidden(
                    "a service account may only get tokens (token brokers also for others), not \(permission.action)"
                )
            }
            throw ControlPlaneError.forbidden(
                "your role in '\(org.slug)' (\(role?.rawValue ?? "none")) does not allow \(permission.action); it needs \(permission.minimumRole.rawValue)"
            )
        }
    }
}

extension ControlPlaneService {
    /// Resolves the organisation and the caller's standing in it, and checks `permission`.
    ///
    /// Non-members get the same 404 as for an unknown organisation, so slugs cannot be probed;
    /// disabled members get 403 on every call.
    public func authorize(_ caller: Caller, org slug: String, _ permission: Permission) async throws -> OrgAccess {
        try Validation.slug(slug)
        let notFound = ControlPlaneError.notFound("no organisation '\(slug)'")
        let userID = caller.userID
        let rows = try await client.query(
            """
            SELECT g.id, g.slug, g.name, g.created_at, m.role, m.disabled FROM organizations g
            LEFT JOIN org_members m ON m.org_id = g.id AND m.user_id = \(userID)
            WHERE g.slug = \(slug)
            """,
            logger: logger
        )
        var access: OrgAccess?
        for try await (id, slug, name, created, role, disabled) in rows.decode((UUID, String, String, Date, String?, Bool?).self) {
            let org = Organization(id: id, slug: slug, name: name, createdAt: created)
            switch caller.identity {
            case .superuser:
                access = OrgAccess(org: org, role: nil, caller: caller)
            case .user:
                guard let role = role.flatMap(OrgRole.init(rawValue:)) else { throw notFound }
                if disabled == true { throw ControlPlaneError.forbidden("your membership of '\(slug)' is disabled") }
                access = OrgAccess(org: org, role: role, caller: caller)
            case .serviceAccount(_, let saOrg, _):
                guard saOrg == id else { throw notFound }
                access = OrgAccess(org: org, role: nil, caller: caller)
            }
        }
        guard let access else { throw notFound }
        try access.require(permission)
        return access
    }

    /// The organisations the caller can see: all for the superuser, memberships for users.
    public func listOrganizations(for caller: Caller) async throws -> [Organization] {
        switch caller.identity {
        case .superuser:
            return try await listOrganizations()
        case .user(let id):
            let rows = try await client.query(
                """
                SELECT g.id, g.slug, g.name, g.created_at FROM organizations g
                JOIN org_members m ON m.org_id = g.id AND m.user_id = \(id) AND NOT m.disabled ORDER BY g.slug
                """,
                logger: logger
            )
            return try await rows.decode((UUID, String, String, Date).self).collect().map {
                Organization(id: $0.0, slug: $0.1, name: $0.2, createdAt: $0.3)
            }
        case .serviceAccount(_, let org, _):
            return try await listOrganizations().filter { $0.id == org }
        }
    }
}
