public import Foundation

/// Every action the audit trail records; `docs/api.md` lists the same (a test compares them).
public enum AuditAction: String, Sendable, CaseIterable {
    case orgCreated = "org.created"
    case orgDeleted = "org.deleted"
    case orgUpdated = "org.updated"
    case osRegistered = "os.registered"
    case osUpdated = "os.updated"
    case osDeleted = "os.deleted"
    case osAuthorizationEnabled = "os.authorization_enabled"
    case keyCreated = "key.created"
    case keyActivated = "key.activated"
    case keyRetiring = "key.retiring"
    case keyRetired = "key.retired"
    case keyRevoked = "key.revoked"
    case securityKeyRotated = "security_key.rotated"
    case memberAdded = "member.added"
    case memberUpdated = "member.updated"
    case memberRemoved = "member.removed"
    case invitationCreated = "invitation.created"
    case invitationRevoked = "invitation.revoked"
    case invitationAccepted = "invitation.accepted"
    case passwordResetIssued = "password_reset.issued"
    case mfaEnrolled = "mfa.enrolled"
    case mfaDisabled = "mfa.disabled"
    case recoveryCodeUsed = "mfa.recovery_code_used"
    case roleCreated = "role.created"
    case roleScopesSet = "role.scopes_set"
    case roleDeleted = "role.deleted"
    case bindingCreated = "binding.created"
    case bindingDeleted = "binding.deleted"
    case grantCreated = "grant.created"
    case grantDeleted = "grant.deleted"
    case serviceAccountCreated = "service_account.created"
    case serviceAccountRevoked = "service_account.revoked"
    case tokensRevoked = "token.revoked"
    case tokenIssued = "token.issued"
}

/// What a mutation appends to its organisation's chain: one value per change.
public struct AuditEvent: Sendable, Equatable {
    public var action: AuditAction
    /// What changed, e.g. `os:prod` or `os:prod/key:<kid>`.
    public var target: String
    public var details: [String: String]

    public init(_ action: AuditAction, _ target: String, _ details: [String: String] = [:]) {
        self.action = action
        self.target = target
        self.details = details
    }
}

/// Who performed an action, as written into the audit trail (`user:<id>`, `svc:<id>`, `apikey:<id>`).
public struct AuditActor: Sendable, Equatable {
    public var id: String
    public init(_ id: String) { self.id = id }
}

/// One stored entry of an organisation's audit chain.
public struct AuditRecord: Sendable, Codable, Equatable {
    public var seq: Int64
    public var at: Date
    public var actor: String
    /// The action as stored (a newer release may have written one this build does not know).
    public var action: String
    public var target: String
    public var details: [String: String]
    public var prevHash: String
    public var hash: String
}
