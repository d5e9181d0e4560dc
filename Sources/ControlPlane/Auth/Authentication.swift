public import Foundation
import Logging

/// Who is calling: bearer credentials (API keys, sign-in sessions, service-account secrets),
/// sign-in with email and password, and the credentials a user manages for themselves.
public struct Authentication: Sendable {
    let credentials: CredentialStore
    let serviceAccounts: ServiceAccountStore
    let throttle: LoginThrottle
    let secondFactor: SecondFactor
    let sessionLifetime: TimeInterval
    let logger: Logger
    let now: Clock

    static let invalidCredentials = ControlPlaneError.unauthenticated("invalid or expired credentials")

    /// The caller owning a bearer credential: a `cpk_` API key (superuser or user), a `cps_`
    /// sign-in session or a `cpsa_` service-account secret. Lookups are by SHA-256 and the stored
    /// hash is compared in constant time, so timing reveals nothing about the secret.
    public func authenticate(bearer secret: String) async throws -> Caller {
        guard secret.utf8.count <= 256 else { throw Self.invalidCredentials }
        let hash = Secrets.hash(secret)
        if secret.hasPrefix("cpk_"), let key = try await credentials.apiKey(hash: hash, at: now()),
            Secrets.constantTimeEquals(key.hash, hash)
        {
            if key.superuser { return Caller(identity: .superuser(keyID: key.id), credential: .apiKey(key.id), name: key.name) }
            if let user = key.user { return Caller(identity: .user(user), credential: .apiKey(key.id), name: key.name) }
        } else if secret.hasPrefix("cps_"), let session = try await credentials.session(hash: hash, at: now()),
            Secrets.constantTimeEquals(session.hash, hash)
        {
            return Caller(identity: .user(session.user), credential: .session(hash), name: session.email)
        } else if secret.hasPrefix("cpsa_"), let account = try await serviceAccounts.caller(secretHash: hash),
            Secrets.constantTimeEquals(account.hash, hash)
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

    /// Creates an API key for the calling user; it acts with the user's permissions, never more.
    public func createAPIKey(_ caller: Caller, name: String, expiresInDays: Int?) async throws -> (APIKeyInfo, String) {
        guard let user = caller.userID else {
            throw ControlPlaneError.invalid("API keys belong to users; superuser keys are created with `controlplane admin-key create`")
        }
        let (info, secret) = try newAPIKey(name: name, expiresInDays: expiresInDays)
        try await credentials.insertAPIKey(info, hash: Secrets.hash(secret), user: user)
        return (info, secret)
    }

    public func listAPIKeys(_ caller: Caller) async throws -> [APIKeyInfo] {
        guard let user = caller.userID else { throw ControlPlaneError.invalid("only users have API keys") }
        return try await credentials.apiKeys(user: user)
    }

    /// Revokes one of the caller's keys (404 for anyone else's).
    public func deleteAPIKey(_ caller: Caller, id: UUID) async throws {
        guard let user = caller.userID else { throw ControlPlaneError.invalid("only users have API keys") }
        guard try await credentials.revokeAPIKey(id: id, user: user, at: now()) else {
            throw ControlPlaneError.notFound("no API key \(id.lowercased)")
        }
    }

    /// Creates a superuser key and returns it (the only time it is visible): at bootstrap and by
    /// `controlplane admin-key create`, on the database.
    public func createSuperuserKey(name: String, expiresInDays: Int? = nil) async throws -> String {
        try await newSuperuserKey(name: name, expiresInDays: expiresInDays).1
    }

    /// Creates a superuser key over the API (the superuser key only).
    public func createSuperuserKey(_ caller: Caller, name: String, expiresInDays: Int?) async throws -> (APIKeyInfo, String) {
        try Self.requireSuperuser(caller)
        let created = try await newSuperuserKey(name: name, expiresInDays: expiresInDays)
        logger.notice("superuser key created", metadata: ["id": "\(created.0.id.lowercased)", "by": "\(caller.actor.id)"])
        return created
    }

    /// Live superuser keys (never the secrets).
    public func listSuperuserKeys(_ caller: Caller) async throws -> [APIKeyInfo] {
        try Self.requireSuperuser(caller)
        return try await credentials.superuserKeys(at: now())
    }

    /// Revokes a superuser key (a leaked `admin.key`, too). The last live one can only go once an
    /// organisation has an active owner, so the control plane is never left without anyone in charge.
    public func revokeSuperuserKey(_ caller: Caller, id: UUID) async throws {
        try Self.requireSuperuser(caller)
        switch try await credentials.revokeSuperuserKey(id: id, at: now()) {
        case .revoked: logger.notice("superuser key revoked", metadata: ["id": "\(id.lowercased)", "by": "\(caller.actor.id)"])
        case .missing: throw ControlPlaneError.notFound("no live superuser key \(id.lowercased)")
        case .last:
            throw ControlPlaneError.conflict(
                "this is the last superuser key and no organisation has an active owner yet: invite an owner first (or create another key)"
            )
        }
    }

    static func requireSuperuser(_ caller: Caller) throws {
        guard case .superuser = caller.identity else { throw ControlPlaneError.forbidden("only a superuser key manages superuser keys") }
    }

    private func newSuperuserKey(name: String, expiresInDays: Int?) async throws -> (APIKeyInfo, String) {
        let (info, secret) = try newAPIKey(name: name, expiresInDays: expiresInDays)
        try await credentials.insertSuperuserKey(info, hash: Secrets.hash(secret))
        return (info, secret)
    }

    /// A new `cpk_` key and its listing, validated; the caller stores it for a user or as superuser.
    private func newAPIKey(name: String, expiresInDays: Int?) throws -> (APIKeyInfo, String) {
        try Validation.name(name)
        if let days = expiresInDays, !(1...3650).contains(days) { throw ControlPlaneError.invalid("expires_in_days must be 1-3650") }
        let secret = Secrets.generate(prefix: "cpk_")
        let at = now()
        let info = APIKeyInfo(
            id: UUID(),
            name: name,
            prefix: String(secret.prefix(12)),
            createdAt: at,
            expiresAt: expiresInDays.map { at.addingTimeInterval(Double($0) * 86_400) }
        )
        return (info, secret)
    }

    /// Whether any API key exists (first start creates the bootstrap key).
    public func hasAPIKeys() async throws -> Bool { try await credentials.apiKeyCount() > 0 }
}
