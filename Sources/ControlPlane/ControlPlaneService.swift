public import Foundation
public import Logging
public import PostgresNIO

/// The control plane's use cases over PostgreSQL. One implementation, so no protocol.
public struct ControlPlaneService: Sendable {
    /// Tunables with their defaults.
    public struct Settings: Sendable {
        /// Longest token lifetime the control plane issues (and keeps retiring keys published for).
        public var maxTokenLifetime: TimeInterval = 3600
        /// `Cache-Control: max-age` of public keys and JWKS.
        public var jwksMaxAge: TimeInterval = 300
        /// `iss` of issued tokens (`CONTROL_PLANE_ISSUER`).
        public var issuer: String = "http://127.0.0.1:8080"
        /// Lifetime of a token when the request names none (capped by `maxTokenLifetime`).
        public var defaultTokenLifetime: TimeInterval = 3600
        /// Lifetime of a sign-in session.
        public var sessionLifetime: TimeInterval = 12 * 3600
        /// Failed sign-ins allowed per email and per client address per minute.
        public var loginAttemptsPerMinute: Int = 10

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

    public let client: PostgresClient
    public let masterKeys: MasterKeys
    public let settings: Settings
    public let logger: Logger
    let now: @Sendable () -> Date
    let signers: SignerCache
    let throttle: LoginThrottle

    /// - Parameter now: the clock (inject one in tests).
    public init(
        client: PostgresClient,
        masterKeys: MasterKeys,
        settings: Settings = .init(),
        logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.client = client
        self.masterKeys = masterKeys
        self.settings = settings
        self.logger = logger
        self.now = now
        self.signers = SignerCache()
        self.throttle = LoginThrottle(limit: settings.loginAttemptsPerMinute, window: 60)
    }
}

/// Who performed an action, as written into the audit trail.
public struct Actor: Sendable, Equatable {
    public var id: String
    public init(_ id: String) { self.id = id }
    public static let system = Actor("system")
}
