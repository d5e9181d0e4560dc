/// Who may call an operation, in the terms of docs/access.md, and the status each kind of caller
/// gets for it. The general rules are written once here, from docs/access.md and docs/security.md,
/// never from the handlers: no credential is 401 on a non-public operation,
/// non-members (and the invited) get 404 for everything under an organisation, disabled members
/// 403, service accounts 403 for anything but tokens, and the superuser key may do everything.
enum MatrixPermission: Sendable {
    /// `security: []`: every caller gets the same answer, which the body alone decides.
    case everyone
    /// Any valid credential.
    case anyCredential
    /// The caller's own account: any user credential; 400 for one that is not a user's.
    case ownAccount
    /// The sign-in session the request came with; 400 for any other credential.
    case ownSession
    /// The superuser key; 403 for any other credential.
    case superuser
    /// The superuser key or any user; 403 for a service account.
    case userOrSuperuser
    /// At least `role` in `org` (or the superuser key).
    case role(MatrixRole, org: String)
    /// A token for oneself: a member of `org` or one of its service accounts; the superuser key
    /// has no self and must name a subject (400).
    case ownToken(org: String)
    /// A token for another subject: an admin of `org`, a token broker, the superuser key.
    case tokenForOthers(org: String)

    /// The documentation's words for it.
    var words: String {
        switch self {
        case .everyone: "public"
        case .anyCredential: "any credential"
        case .ownAccount: "own account"
        case .ownSession: "own session"
        case .superuser: "superuser"
        case .userOrSuperuser: "any user, superuser"
        case .role(let role, let org): org == "acme" ? "\(role)" : "\(role) of `\(org)`"
        case .ownToken(let org): org == "acme" ? "member, service account" : "member or service account of `\(org)`"
        case .tokenForOthers: "admin, token broker"
        }
    }

    /// The status `caller` gets when the operation answers `success` to those allowed.
    func status(for caller: MatrixCaller, success: Int) -> Int {
        switch self {
        case .everyone:
            return success
        case .anyCredential:
            return caller == .anonymous ? 401 : success
        case .ownAccount:
            if caller == .anonymous { return 401 }
            return caller.isUser ? success : 400
        case .ownSession:
            if caller == .anonymous { return 401 }
            return caller.credential == .session ? success : 400
        case .superuser:
            if caller == .anonymous { return 401 }
            return caller == .superuser ? success : 403
        case .userOrSuperuser:
            if caller == .anonymous { return 401 }
            return caller.credential == .serviceAccount ? 403 : success
        case .role(let role, let org):
            return Self.inOrganization(caller.standing(in: org), success: success) { standing in
                if case .role(let held) = standing, held >= role { return true }
                return false
            }
        case .ownToken(let org):
            if caller == .superuser { return 400 }
            return Self.inOrganization(caller.standing(in: org), success: success) { standing in
                switch standing {
                case .role, .serviceAccount: true
                default: false
                }
            }
        case .tokenForOthers(let org):
            return Self.inOrganization(caller.standing(in: org), success: success) { standing in
                switch standing {
                case .role(let held): held >= .admin
                case .serviceAccount(let broker): broker
                default: false
                }
            }
        }
    }

    /// The `error.code` of a refusal with `status`: one per status, docs/api.md's "Errors" table
    /// (`DocumentedError`). The rules above give 400, 401, 403, 404 and 409; none of them is a
    /// `mfa_required` or `csrf_failed` (no fixture organisation requires a second factor, and
    /// callers send bearer credentials, not cookies).
    static func errorCode(for status: Int) -> String? {
        DocumentedError.codes[status]
    }

    /// The answers every operation under an organisation shares; `allowed` decides the rest.
    private static func inOrganization(_ standing: MatrixCaller.Standing, success: Int, allowed: (MatrixCaller.Standing) -> Bool) -> Int {
        switch standing {
        case .anonymous: 401
        case .stranger, .invited: 404
        case .disabled: 403
        case .superuser: success
        case .role, .serviceAccount: allowed(standing) ? success : 403
        }
    }
}
