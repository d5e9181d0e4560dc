public import Foundation

/// A token whose signature and claims passed verification.
public struct VerifiedToken: Sendable {
    /// `sub`, the caller's user id (absent in some tokens).
    public let subject: String?
    /// `scopes`, normalised as Agno does: a string becomes one scope; a non-string element
    /// makes the whole list empty (fail closed); any other type is empty.
    public let scopes: [String]
    /// ``scopes`` parsed with the verifier's admin scope (``TokenVerifier/Options/adminScope``),
    /// once per verification: a token answered from the cache is not parsed again per request.
    public let scopeSet: ScopeSet
    /// `session_id`, which overrides the session of runs.
    public let sessionID: String?
    /// `jti`.
    public let tokenID: String?
    /// `exp`, if present.
    public let expiresAt: Date?
    /// `kid` of the header, if any.
    public let keyID: String?
    /// The whole payload.
    public let claims: [String: JSONValue]
}
