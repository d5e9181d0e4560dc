/// Domain errors of the control plane; `ControlPlaneHTTP` maps them to statuses in one place
/// (`APIErrorMiddleware`), and to RFC 6749's errors for `/oauth/token` in another (`OAuthError`).
public enum ControlPlaneError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Bad input (400), with a message naming the field and the rule.
    case invalid(String)
    /// Unknown org, OS, key… (404).
    case notFound(String)
    /// Duplicate or state conflict (409).
    case conflict(String)
    /// Missing or unknown credentials (401).
    case unauthenticated(String)
    /// Authenticated but not allowed (403).
    case forbidden(String)
    /// A token's scopes refused: the subject holds none on the OS or not all those requested
    /// (403); `/oauth/token` answers `invalid_scope`, also for a malformed requested scope.
    case scopesRefused(String)
    /// Allowed only with a second factor the caller has not enrolled (403, code `mfa_required`).
    case mfaRequired(String)
    /// Too many attempts (429); retry after that many seconds.
    case tooManyRequests(retryAfter: Int)

    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message), .conflict(let message), .unauthenticated(let message),
            .forbidden(let message), .scopesRefused(let message), .mfaRequired(let message):
            message
        case .tooManyRequests(let seconds):
            "too many failed attempts; retry in \(seconds) s"
        }
    }
}
