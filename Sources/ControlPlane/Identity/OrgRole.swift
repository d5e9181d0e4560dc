/// A member's role in an organisation: what they may do in the control plane (not on an OS —
/// that is what OS roles and grants are for).
public enum OrgRole: String, Sendable, Codable, CaseIterable, Comparable {
    case member, admin, owner

    /// Whether this role grants `permission` (`docs/access.md`: Agno's matrix, with admins also deleting OSes).
    public func allows(_ permission: Permission) -> Bool {
        switch permission {
        case .readOrg, .readOS, .readAccess, .issueOwnToken: true
        // Registering or changing an OS is an admin's: its URL is where the console sends
        // tokens, its rotation period decides its keys (docs/decisions.md, "Who changes an OS").
        case .writeOS, .deleteOS, .manageKeys, .manageAccess, .readMembers, .manageMembers, .manageServiceAccounts, .readAudit,
            .issueTokenForOthers, .revokeTokens:
            self >= .admin
        case .manageOwners, .deleteOrg: self == .owner
        }
    }

    public static func < (lhs: OrgRole, rhs: OrgRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A control-plane permission inside one organisation.
public enum Permission: String, Sendable, CaseIterable {
    /// See the organisation.
    case readOrg
    /// List and read OS instances, their keys and public keys.
    case readOS
    /// Register and update OS instances (their URL, name and rotation period).
    case writeOS
    /// Read roles, role bindings and grants.
    case readAccess
    /// Get a token for oneself.
    case issueOwnToken
    /// Delete OS instances.
    case deleteOS
    /// Enable authorization, create/activate/revoke signing keys, rotate security keys.
    case manageKeys
    /// Create, edit and delete roles, role bindings and grants.
    case manageAccess
    /// List members.
    case readMembers
    /// Add, update and remove members other than owners.
    case manageMembers
    /// Create, list and delete service accounts.
    case manageServiceAccounts
    /// Read the audit trail.
    case readAudit
    /// Issue tokens for other subjects.
    case issueTokenForOthers
    /// Revoke issued tokens (by jti, token or subject).
    case revokeTokens
    /// Add, change and remove owners.
    case manageOwners
    /// Delete the organisation.
    case deleteOrg
}

extension Permission {
    /// What the permission lets one do, for refusal messages ("… does not allow listing members").
    public var action: String {
        switch self {
        case .readOrg: "seeing the organisation"
        case .readOS: "reading OS instances"
        case .writeOS: "registering or changing OS instances"
        case .readAccess: "reading roles, bindings and grants"
        case .issueOwnToken: "getting a token"
        case .deleteOS: "deleting OS instances"
        case .manageKeys: "managing signing keys"
        case .manageAccess: "changing roles, bindings and grants"
        case .readMembers: "listing members"
        case .manageMembers: "managing members"
        case .manageServiceAccounts: "managing service accounts"
        case .readAudit: "reading the audit trail"
        case .issueTokenForOthers: "issuing tokens for others"
        case .revokeTokens: "revoking tokens"
        case .manageOwners: "managing owners"
        case .deleteOrg: "deleting the organisation"
        }
    }

    /// The least organisation role that holds it.
    public var minimumRole: OrgRole {
        OrgRole.allCases.first { $0.allows(self) } ?? .owner
    }
}
