public import Foundation

/// Tunables of the control plane, with their defaults (README "Configuration").
public struct ControlPlaneSettings: Sendable {
    /// Longest token lifetime the control plane issues (and keeps retiring keys published for).
    public var maxTokenLifetime: TimeInterval
    /// `Cache-Control: max-age` of public keys and JWKS.
    public var jwksMaxAge: TimeInterval
    /// `iss` of issued tokens (`CONTROL_PLANE_ISSUER`).
    public var issuer: String
    /// Lifetime of a token when the request names none (capped by `maxTokenLifetime`).
    public var defaultTokenLifetime: TimeInterval
    /// Lifetime of a sign-in session.
    public var sessionLifetime: TimeInterval
    /// Failed sign-ins allowed per email and per client address per minute.
    public var loginAttemptsPerMinute: Int
    /// How long an invitation code can be redeemed.
    public var invitationLifetime: TimeInterval = 7 * 86_400
    /// How long a password-reset code can be redeemed.
    public var passwordResetLifetime: TimeInterval = 86_400

    public init(
        maxTokenLifetime: TimeInterval = 3600,
        jwksMaxAge: TimeInterval = 300,
        issuer: String = "http://127.0.0.1:8080",
        defaultTokenLifetime: TimeInterval = 3600,
        sessionLifetime: TimeInterval = 12 * 3600,
        loginAttemptsPerMinute: Int = 10
    ) {
        self.maxTokenLifetime = maxTokenLifetime
        self.jwksMaxAge = jwksMaxAge
        self.issuer = issuer
        self.defaultTokenLifetime = defaultTokenLifetime
        self.sessionLifetime = sessionLifetime
        self.loginAttemptsPerMinute = loginAttemptsPerMinute
    }
}

/// The injected clock: every service reads time through one, so tests can move it.
public typealias Clock = @Sendable () -> Date
