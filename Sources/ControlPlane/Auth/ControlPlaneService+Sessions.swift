public import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// A new sign-in session; the token is shown once and stored only as SHA-256.
    public struct Session: Sendable {
        public var token: String
        public var expiresAt: Date
    }

    /// Signs in with email and password. Unknown email and wrong password get the same 401 (and
    /// take as long); too many failures per email or client address get 429 with a retry delay.
    public func login(email: String, password: String, clientAddress: String) async throws -> Session {
        let at = now()
        let emailKey = "email:" + email.lowercased().prefix(254)
        let keys = [emailKey, "addr:" + clientAddress]
        if let wait = throttle.retryAfter(keys, now: at) { throw ControlPlaneError.tooManyRequests(retryAfter: wait) }
        let rows = try await
            (try await client.query(
                "SELECT id, password_hash FROM users WHERE lower(email) = lower(\(email))",
                logger: logger
            )).decode((UUID, String?).self).collect()
        let user = rows.first
        guard password.utf8.count <= 1024, try await Passwords.verify(password, hash: user?.1), let user else {
            throttle.recordFailure(keys, now: at)
            throw ControlPlaneError.unauthenticated("invalid email or password")
        }
        throttle.reset(emailKey)
        let token = Self.newSecret(prefix: "cps_")
        let expires = at.addingTimeInterval(settings.sessionLifetime)
        try await client.query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (\(Self.hash(token)), \(user.0), \(at), \(expires))",
            logger: logger
        )
        return Session(token: token, expiresAt: expires)
    }

    /// Ends the session the caller used.
    public func logout(_ caller: Caller) async throws {
        guard case .session(let hash) = caller.credential else {
            throw ControlPlaneError.invalid("logout ends a sign-in session; this request used another credential")
        }
        try await client.query("UPDATE sessions SET revoked_at = \(now()) WHERE token_hash = \(hash)", logger: logger)
    }

    /// An API key of a user, as listed (never the secret).
    public struct APIKeyInfo: Sendable {
        public var id: UUID
        public var name: String
        public var prefix: String
        public var createdAt: Date
        public var expiresAt: Date?
    }

    /// Creates an API key for the calling user; it acts with the user's permissions, never more.
    public func createAPIKey(_ caller: Caller, name: String, expiresInDays: Int?) async throws -> (APIKeyInfo, String) {
        guard let user = caller.userID else {
            throw ControlPlaneError.invalid("API keys belong to users; superuser keys are created with `controlplane admin-key create`")
        }
        try Validation.name(name)
        if let days = expiresInDays, !(1...3650).contains(days) { throw ControlPlaneError.invalid("expires_in_days must be 1-3650") }
        let secret = Self.newSecret(prefix: "cpk_")
        let at = now()
        let info = APIKeyInfo(
            id: UUID(),
            name: name,
            prefix: String(secret.prefix(12)),
            createdAt: at,
            expiresAt: expiresInDays.map { at.addingTimeInterval(Double($0) * 86_400) }
        )
        try await client.query(
            """
            INSERT INTO api_keys (id, key_hash, prefix, name, superuser, user_id, created_at, expires_at)
            VALUES (\(info.id), \(Self.hash(secret)), \(info.prefix), \(name), false, \(user), \(at), \(info.expiresAt))
            """,
            logger: logger
        )
        return (info, secret)
    }

    public func listAPIKeys(_ caller: Caller) async throws -> [APIKeyInfo] {
        guard let user = caller.userID else { throw ControlPlaneError.invalid("only users have API keys") }
        let rows = try await client.query(
            "SELECT id, name, prefix, created_at, expires_at FROM api_keys WHERE user_id = \(user) AND revoked_at IS NULL ORDER BY created_at",
            logger: logger
        )
        return try await rows.decode((UUID, String, String, Date, Date?).self).collect().map {
            APIKeyInfo(id: $0.0, name: $0.1, prefix: $0.2, createdAt: $0.3, expiresAt: $0.4)
        }
    }

    /// Revokes one of the caller's keys (404 for anyone else's).
    public func deleteAPIKey(_ caller: Caller, id: UUID) async throws {
        guard let user = caller.userID else { throw ControlPlaneError.invalid("only users have API keys") }
        let revoked = try await
            (try await client.query(
                "UPDATE api_keys SET revoked_at = \(now()) WHERE id = \(id) AND user_id = \(user) AND revoked_at IS NULL RETURNING id",
                logger: logger
            )).decode(UUID.self).collect()
        guard !revoked.isEmpty else { throw ControlPlaneError.notFound("no API key \(id.lowercased)") }
    }
}
