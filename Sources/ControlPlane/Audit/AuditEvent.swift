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
    case apiKeyCreated = "api_key.created"
    case apiKeyRevoked = "api_key.revoked"
    case superuserKeyCreated = "superuser_key.created"
    case superuserKeyRevoked = "superuser_key.revoked"
    case auditResealed = "audit.resealed"
    case auditInboxRejected = "audit.inbox_rejected"
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
    /// The previous event's MAC (all zeros for the first).
    public var prevHash: String
    /// This event's MAC (HMAC-SHA256, hex); for an event not yet re-sealed, the unkeyed SHA-256 link.
    public var hash: String
    /// The id of the KEK whose derived key made `hash`; `nil` for an unkeyed event of before 0007.
    public var macKey: String? = nil
}

/// The last event of a chain, as an operator pins it (`seq:mac`) to detect a cut tail.
public struct AuditHead: Sendable, Equatable, CustomStringConvertible {
    public var seq: Int64
    public var mac: String

    public init(seq: Int64, mac: String) {
        self.seq = seq
        self.mac = mac
    }

    /// Parses `seq:mac` (as `audit verify` prints it); 400 otherwise.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let seq = Int64(parts[0]), seq >= 1, parts[1].count == 64,
            parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { throw ControlPlaneError.invalid("expect_head must be seq:mac, e.g. 12:<64 lower-case hex digits>") }
        self.init(seq: seq, mac: String(parts[1]))
    }

    public var description: String { "\(seq):\(mac)" }
}
