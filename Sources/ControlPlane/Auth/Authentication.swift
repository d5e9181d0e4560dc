import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// Who is calling: bearer credentials (API keys, sign-in sessions, service-account secrets),
/// sign-in with email and password, and the credentials a user manages for themselves.
public struct Authentication: Sendable {
    let client: PostgresClient
    let credentials: CredentialStore
    let serviceAccounts: ServiceAccountStore
    let throttle: LoginThrottle
    let secondFactor: SecondFactor
    let audit: AuditTrail
    let sessionLifetime: TimeInterval
    let logger: Logger
    let now: WallClock

    static let invalidCredentials = ControlPlaneError.unauthenticated("invalid or expired credentials")

    /// The caller owning a bearer credential: a `cpk_` API key (superuser or user), a `cps_`
    /// sign-in session or a `cpsa_` service-account secret. Lookups are by SHA-256 and the stored
    /// hash is compared in constant time, so timing reveals nothing about the secret.
    public func authenticate(bearer secret: String) async throws -> Caller {
        guard secret.utf8.count <= 256 else { throw Self.invalidCredentials }
        let hash = Secrets.hash(secret)
        if secret.hasPrefix("cpk_"), let key = try await credentials.apiKey(hash: hash, at: now()),
            AuthGate.constantTimeEquals(key.hash, hash)
        {
            if key.superuser { return Caller(identity: .superuser(keyID: key.id), credential: .apiKey(key.id), name: key.name) }
            if let user = key.user { return Caller(identity: .user(user), credential: .apiKey(key.id), name: key.name) }
        } else if secret.hasPrefix("cps_"), let session = try await credentials.session(hash: hash, at: now()),
            AuthGate.constantTimeEquals(session.hash, hash)
        {
            return Caller(identity: .user(session.user), credential: .session(hash), name: session.email)
        } else if secret.hasPrefix("cpsa_"), let account = try await serviceAccounts.caller(secretHash: hash),
            AuthGate.constantTimeEquals(account.hash, hash)
        {
            return Caller(
                identity: .serviceAccount(id: account.id, org: account.org, tokenBroker: account.broker),
                credential: .clientSecret,
                name: account.name
            )
        }
        throw Self.invalidCredentials
    }

    /// What a right password gets: a session, or — for an account with TOTP — a challenge to
    /// complete with a code (`completeSignIn`).
    public enum SignIn: Sendable {
        case session(Session)
        case secondFactor(SecondFactor.Challenge)
    }

    /// Signs in with email and password. Unknown email and wrong password get the same 401 (and
    /// take as long); too many failures per email or client address get 429 with a retry delay.
    public func login(email: String, password: String, clientAddress: String) async throws -> SignIn {
        let at = now()
        let emailKey = "email:" + email.lowercased().prefix(254)
        let keys = [emailKey, "addr:" + clientAddress]
        // Reserved before bcrypt, so concurrent attempts count before any is evaluated.
        if let wait = throttle.reserve(keys, now: at) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }
        var outcome = LoginThrottle.Outcome.failed
        var resetting = [emailKey]
        defer { throttle.finish(keys, outcome, resetting: resetting, now: now()) }
        let user = try await credentials.passwordHash(email: email)
        guard password.utf8.count <= 1024, try await Passwords.verify(password, hash: user?.1), let user else {
            throw ControlPlaneError.unauthenticated("invalid email or password")
        }
        outcome = .succeeded
        if try await secondFactor.isRequired(user: user.0) {
            // The password alone does not clear earlier failures: wrong codes count in the same
            // window, and a right password must not reset it between guesses.
            resetting = []
            return .secondFactor(try await secondFactor.challenge(user: user.0, at: at))
        }
        return .session(try await newSession(user: user.0, at: at))
    }

    /// The second step of sign-in: the challenge of `login` and a TOTP or recovery code.
    public func completeSignIn(challenge: String, code: String, clientAddress: String) async throws -> Session {
        let user = try await secondFactor.complete(challenge: challenge, code: code, clientAddress: clientAddress)
        return try await newSession(user: user, at: now())
    }

    private func newSession(user: UUID, at: Date) async throws -> Session {
        let token = Secrets.generate(prefix: "cps_")
        let expires = at.addingTimeInterval(sessionLifetime)
        try await credentials.insertSession(hash: Secrets.hash(token), user: user, at: at, expires: expires)
        return Session(token: token, expiresAt: expires)
    }

    /// Ends the session the caller used.
    public func logout(_ caller: Caller) async throws {
        guard case .session(let hash) = caller.credential else {
            throw ControlPlaneError.invalid("logout ends a sign-in session; this request used another credential")
        }
        try await credentials.revokeSession(hash: hash, at: now())
    }

    /// Whether any API key exists (first start creates the bootstrap key).
    public func hasAPIKeys() async throws -> Bool { try await credentials.apiKeyCount() > 0 }
}
