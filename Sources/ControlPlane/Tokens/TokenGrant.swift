import Foundation

/// A token request once its door has established whom the token is for and what it asks:
/// the API (``TokenIssuer/issue(_:org:os:request:)``: a caller for itself or for another subject)
/// or `/oauth/token` (``TokenIssuer/clientCredentials(clientID:secret:audience:requested:)``: a
/// service account for itself). All of it was read in the door's one query;
/// ``TokenIssuer/mint(_:)`` is the one path from here to a signed token.
struct TokenGrant<Read: IssuanceRow> {
    /// The organisation's slug (the `org` claim) and the OS id (`aud`).
    var org: String
    var os: String
    var osInternalID: UUID
    var read: Read
    var subject: Subject
    /// Narrow to these, each covered by the subject's scopes; `nil` or empty: all of them.
    var requested: [String]?
    var lifetime: TimeInterval
    /// Who asked, and through which door (`api` or `client_credentials`, as the metric says).
    var caller: AuditActor
    var door: String
    var email: String? = nil
    var name: String? = nil
    var sessionID: String? = nil
    /// The organisation whose chain audits the token, when it gives another subject's access to
    /// the caller; own tokens are logged only (the hot path).
    var auditedIn: UUID? = nil
}

/// What both doors' queries read of the OS and of the subject on it.
protocol IssuanceRow: Sendable {
    /// The OS's active kid as the query saw it; `nil` when it has none.
    var activeKid: String? { get }
    /// The subject's revocation generation on the OS, read with its scopes.
    var generation: Int64 { get }
    /// The subject's raw scopes on the OS (role bindings and grants).
    var scopes: [String] { get }
    /// The `roles` claim, when the OS asks for it.
    var roles: [String]? { get }
}

extension TokenIssuanceQuery.Row: IssuanceRow {}
extension ClientCredentialsQuery.Row: IssuanceRow {}
