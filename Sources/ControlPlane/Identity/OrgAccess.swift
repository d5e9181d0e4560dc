/// A caller's standing in one organisation, resolved once per request
/// (`Organizations.access(_:org:)`). Every use case receives it and checks its own permission
/// with `require`, so none can be reached without that check.
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
