/// Why a request was refused or a configuration rejected.
///
/// ``message`` is the `detail` string sent to the client (Agno's exact wording where Agno has
/// one); ``code`` is stable for programs. New codes may be added without breaking callers.
public struct AgentOSAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        /// The HTTP status a request refused with this code gets.
        public let status: Int

        private init(_ name: String, _ status: Int) {
            self.name = name
            self.status = status
        }

        /// No credential was sent.
        public static let missingCredentials = Code("missingCredentials", 401)
        /// The token is malformed, badly signed, or its claims are invalid.
        public static let invalidToken = Code("invalidToken", 401)
        /// The token's `exp` has passed.
        public static let expired = Code("expired", 401)
        /// The token's `aud` does not name this OS.
        public static let invalidAudience = Code("invalidAudience", 401)
        /// The token's `sub` is reserved (`sa:…`, `__oauth__:…`, `__scheduler__`).
        public static let reservedSubject = Code("reservedSubject", 401)
        /// The JWKS URL has not answered successfully for longer than the maximum staleness
        /// (`JWT_JWKS_MAX_STALENESS`): tokens are refused rather than checked against old keys.
        public static let keysUnavailable = Code("keysUnavailable", 401)
        /// The token's status list (``StatusListChecker``) marks it revoked (or suspended).
        public static let revoked = Code("revoked", 401)
        /// The token's status list could not be fetched for longer than its maximum staleness
        /// (`JWT_STATUS_LIST_MAX_STALENESS`), or its URI is not under the trusted origin.
        public static let statusUnavailable = Code("statusUnavailable", 401)
        /// The request path has `.`/`..` segments, an encoded `/` or `\`, or bytes outside
        /// printable ASCII: refused before any route is looked up.
        public static let invalidPath = Code("invalidPath", 400)
        /// The security key does not match.
        public static let invalidSecurityKey = Code("invalidSecurityKey", 401)
        /// The route needs scopes the caller does not hold.
        public static let insufficientScopes = Code("insufficientScopes", 403)
        /// A handler's per-resource check failed (e.g. running one agent).
        public static let accessDenied = Code("accessDenied", 403)
        /// A public key, PEM or JWKS could not be used.
        public static let invalidKey = Code("invalidKey", 500)
        /// The verifier's configuration is contradictory or incomplete.
        public static let invalidConfiguration = Code("invalidConfiguration", 500)

        public var description: String { name }
    }

    /// The error code.
    public let code: Code
    /// The client-facing detail.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The HTTP status for this error.
    public var status: Int { code.status }

    public var description: String { "\(code): \(message)" }
}
