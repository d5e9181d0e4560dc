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
    /// Issued tokens carry a `status` claim pointing at their OS's Token Status List
    /// (`CONTROL_PLANE_STATUS_LISTS`, default on).
    public var statusLists: Bool
    /// `ttl` of Status List Tokens and their `Cache-Control: max-age`: how long a revocation
    /// takes to reach every OS (`CONTROL_PLANE_STATUS_LIST_TTL`, default 60 s).
    public var statusListTTL: TimeInterval
    /// `exp` - `iat` of Status List Tokens: an OS refuses a list older than this.
    public var statusListLifetime: TimeInterval
    /// How long an invitation code can be redeemed.
    public var invitationLifetime: TimeInterval = 7 * 86_400
    /// How long a password-reset code can be redeemed.
    public var passwordResetLifetime: TimeInterval = 86_400
    /// Seconds between two passes of the key-rotation scheduler
    /// (`CONTROL_PLANE_ROTATION_CHECK_INTERVAL`, default 60); next keys are staged this much
    /// earlier than the JWKS max age requires, so a pass is never late for its step.
    public var rotationCheckInterval: TimeInterval = 60

    public init(
        maxTokenLifetime: TimeInterval = 3600,
        jwksMaxAge: TimeInterval = 300,
        issuer: String = "http://127.0.0.1:8080",
        defaultTokenLifetime: TimeInterval = 3600,
        sessionLifetime: TimeInterval = 12 * 3600,
        loginAttemptsPerMinute: Int = 10,
        statusLists: Bool = true,
        statusListTTL: TimeInterval = 60,
        statusListLifetime: TimeInterval = 3600
    ) {
        self.maxTokenLifetime = maxTokenLifetime
        self.jwksMaxAge = jwksMaxAge
        self.issuer = issuer
        self.defaultTokenLifetime = defaultTokenLifetime
        self.sessionLifetime = sessionLifetime
        self.loginAttemptsPerMinute = loginAttemptsPerMinute
        self.statusLists = statusLists
        self.statusListTTL = statusListTTL
        self.statusListLifetime = statusListLifetime
    }
}

/// The injected wall clock: every service reads the date through one, so tests can move it (not
/// Swift's `Clock`, which measures durations).
public typealias WallClock = @Sendable () -> Date
