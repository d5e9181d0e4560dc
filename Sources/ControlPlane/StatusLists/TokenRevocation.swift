/// What `POST …/token-revocations` names: one token (by `jti` or the token itself) or every
/// outstanding token of a subject on the OS.
public enum TokenRevocation: Sendable, Equatable {
    case jti(String)
    case token(String)
    /// A user id, an email or `svc:<id>`.
    case subject(String)
}
