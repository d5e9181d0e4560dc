/// Domain errors of the control plane; `ControlPlaneHTTP` maps them to statuses in one place.
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
    /// Allowed only with a second factor the caller has not enrolled (403, code `mfa_required`).
    case mfaRequired(String)
    /// Too many attempts (429); retry after that many seconds.
    case tooManyRequests(retryAfter: Int)

    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message), .conflict(let message), .unauthenticated(let message),
            .forbidden(let message), .mfaRequired(let message):
            message
        case .tooManyRequests(let seconds):
            "too many failed attempts; retry in \(seconds) s"
        }
    }
}
