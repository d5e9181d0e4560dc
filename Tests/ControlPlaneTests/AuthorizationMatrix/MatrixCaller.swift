import Testing

/// The twelve kinds of caller every operation is tried with. Each runs on a control plane of its
/// own, so a caller's successful changes never decide another caller's answers.
enum MatrixCaller: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case anonymous
    case outsider
    case invited
    case member
    case admin
    case owner
    case disabled
    case otherAdmin = "other-admin"
    case serviceAccount = "service-account"
    case broker
    case userAPIKey = "user-api-key"
    case superuser

    /// What the caller sends in `Authorization`.
    enum Credential: String, Sendable {
        case none = "none"
        case session = "session (`cps_`)"
        case userAPIKey = "user API key (`cpk_`)"
        case serviceAccount = "client secret (`cpsa_`)"
        case superuserKey = "superuser key (`cpk_`)"
    }

    /// The caller's standing in one organisation.
    enum Standing: Equatable, Sendable {
        case anonymous
        /// Not a member (another organisation's, or none): everything under the org is a 404.
        case stranger
        /// Invited, not joined: a non-member to itself (docs/access.md).
        case invited
        case disabled
        case role(MatrixRole)
        case serviceAccount(broker: Bool)
        case superuser
    }

    var testDescription: String { rawValue }

    /// Sessions for people, so a session-only rule (sign-out) and the cookie-free bearer path are
    /// what is judged; the admin's API key is the one caller that shows a key acts as its owner.
    var credential: Credential {
        switch self {
        case .anonymous: .none
        case .outsider, .invited, .member, .admin, .owner, .disabled, .otherAdmin: .session
        case .serviceAccount, .broker: .serviceAccount
        case .userAPIKey: .userAPIKey
        case .superuser: .superuserKey
        }
    }

    /// The account the caller acts as, for the people among them.
    var email: String? {
        switch self {
        case .anonymous, .serviceAccount, .broker, .superuser: nil
        case .outsider: "outsider@other.test"
        case .invited: "invited@acme.test"
        case .member: "member@acme.test"
        case .admin, .userAPIKey: "admin@acme.test"
        case .owner: "owner@acme.test"
        case .disabled: "disabled@acme.test"
        case .otherAdmin: "admin@other.test"
        }
    }

    var isUser: Bool { email != nil }

    /// Who the caller is, in words (the documentation's legend).
    var summary: String {
        switch self {
        case .anonymous: "no credential at all"
        case .outsider: "`outsider@other.test`: a member of organisation `other` only"
        case .invited:
            "`invited@acme.test`: invited to `acme` (and to `other`), joined nowhere; its password came from a superuser's reset code"
        case .member: "`member@acme.test`: a member of `acme`"
        case .admin: "`admin@acme.test`: an admin of `acme`"
        case .owner: "`owner@acme.test`: an owner of `acme`"
        case .disabled: "`disabled@acme.test`: a disabled member of `acme`"
        case .otherAdmin: "`admin@other.test`: an admin of organisation `other`, acting on `acme`"
        case .serviceAccount: "service account `plain` of `acme`"
        case .broker: "service account `broker` of `acme`, `token_broker: true`"
        case .userAPIKey: "`admin@acme.test` again, through an API key of theirs"
        case .superuser: "the superuser key"
        }
    }

    func standing(in org: String) -> Standing {
        switch (self, org) {
        case (.anonymous, _): .anonymous
        case (.superuser, _): .superuser
        case (.member, "acme"), (.outsider, "other"): .role(.member)
        case (.admin, "acme"), (.userAPIKey, "acme"), (.otherAdmin, "other"): .role(.admin)
        case (.owner, "acme"): .role(.owner)
        case (.disabled, "acme"): .disabled
        case (.invited, _): .invited
        case (.serviceAccount, "acme"): .serviceAccount(broker: false)
        case (.broker, "acme"): .serviceAccount(broker: true)
        default: .stranger
        }
    }
}

/// An organisation role, ordered by what it may do.
enum MatrixRole: Int, Comparable, Sendable {
    case member, admin, owner

    static func < (lhs: MatrixRole, rhs: MatrixRole) -> Bool { lhs.rawValue < rhs.rawValue }
}
