import Foundation
import Logging
import PostgresNIO

/// SQL of the credentials: `api_keys`, `sessions`, and the password hashes in `users`.
struct CredentialStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    let apiKeys: InvalidatedCache<Data, APIKeyLookup.Key>

    init(client: PostgresClient, epoch: CacheEpoch, logger: Logger) {
        self.client = client
        self.logger = logger
        self.apiKeys = InvalidatedCache(epoch: epoch)
    }

    /// A live API key by hash: (id, name, superuser, stored hash, user); cached until it
    /// expires or anything about API keys changes (``InvalidatedCache``).
    func apiKey(hash: Data, at: Date) async throws -> (id: UUID, name: String, superuser: Bool, hash: Data, user: UUID?)? {
        try await apiKeys.value(hash, now: at) {
            try await client.execute(APIKeyLookup(hash: hash, at: at), logger: logger).collect().first.map {
                (APIKeyLookup.Key(id: $0.id, name: $0.name, superuser: $0.superuser, hash: $0.hash, user: $0.user), $0.expiresAt)
            }
        }.map { ($0.id, $0.name, $0.superuser, $0.hash, $0.user) }
    }

    /// A live session by hash: (stored hash, user id, email).
    func session(hash: Data, at: Date) async throws -> (hash: Data, user: UUID, email: String)? {
        try await client.execute(SessionLookup(hash: hash, at: at), logger: logger).collect().first
    }

    /// A user's id and password hash, by email (case-insensitive).
    func passwordHash(email: String) async throws -> (UUID, String?)? {
        let rows = try await client.query("SELECT id, password_hash FROM users WHERE lower(email) = lower(\(email))", logger: logger)
        return try await rows.decode((UUID, String?).self).collect().first
    }

    func insertSession(hash: Data, user: UUID, at: Date, expires: Date) async throws {
        try await client.query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (\(hash), \(user), \(at), \(expires))",
            logger: logger
        )
    }

    /// A new sign-in session for `user` inside a transaction (an invitation accepted by a new account).
    func newSession(user: UUID, lifetime: TimeInterval, at: Date, on connection: PostgresConnection) async throws -> Session {
        let token = Secrets.generate(prefix: "cps_")
        let expires = at.addingTimeInterval(lifetime)
        try await connection.query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (\(Secrets.hash(token)), \(user), \(at), \(expires))",
            logger: logger
        )
        return Session(token: token, expiresAt: expires)
    }

    func revokeSession(hash: Data, at: Date) async throws {
        try await client.query("UPDATE sessions SET revoked_at = \(at) WHERE token_hash = \(hash)", logger: logger)
    }

    func insertSuperuserKey(_ key: APIKeyInfo, hash: Data, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO api_keys (id, key_hash, prefix, name, superuser, created_at, expires_at)
            VALUES (\(key.id), \(hash), \(key.prefix), \(key.name), true, \(key.createdAt), \(key.expiresAt))
            """,
            logger: logger
        )
    }

    /// Superuser keys neither revoked nor expired, oldest first.
    func superuserKeys(at: Date, after: ListCursor.TimeKey?, limit: Int) async throws -> [APIKeyInfo] {
        let key = after ?? .start
        let rows = try await client.query(
            """
            SELECT id, name, prefix, created_at, expires_at FROM api_keys
            WHERE superuser AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(at))
              AND (\(after == nil) OR (created_at, id) > (timestamptz 'epoch' + \(key.micros) * interval '1 microsecond', \(key.id)))
            ORDER BY created_at, id LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode((UUID, String, String, Date, Date?).self).collect().map {
            APIKeyInfo(id: $0.0, name: $0.1, prefix: $0.2, createdAt: $0.3, expiresAt: $0.4)
        }
    }

    /// Revokes a live superuser key unless it is the last one and no organisation has an active
    /// owner (then nobody could administer anything): `.revoked`, `.missing` or `.last`.
    func revokeSuperuserKey(id: UUID, at: Date, on connection: PostgresConnection) async throws -> SuperuserKeyRevocation {
        // Serialises concurrent revocations, so two cannot each think the other key remains.
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('superuser-keys', 7))", logger: logger)
        let live = try await connection.query(
            """
            SELECT id FROM api_keys WHERE superuser AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(at))
            """,
            logger: logger
        )
        let ids = try await live.decode(UUID.self).collect()
        guard ids.contains(id) else { return .missing }
        if ids.count == 1 {
            let owners = try await connection.query(
                "SELECT count(*) FROM org_members WHERE role = 'owner' AND state = 'active' AND NOT disabled",
                logger: logger
            )
            guard try await (owners.decode(Int.self).collect().first ?? 0) > 0 else { return .last }
        }
        try await connection.query("UPDATE api_keys SET revoked_at = \(at) WHERE id = \(id)", logger: logger)
        return .revoked
    }

    func apiKeyCount() async throws -> Int {
        try await (try await client.query("SELECT count(*) FROM api_keys", logger: logger)).decode(Int.self).collect().first ?? 0
    }

    func insertAPIKey(_ key: APIKeyInfo, hash: Data, user: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO api_keys (id, key_hash, prefix, name, superuser, user_id, created_at, expires_at)
            VALUES (\(key.id), \(hash), \(key.prefix), \(key.name), false, \(user), \(key.createdAt), \(key.expiresAt))
            """,
            logger: logger
        )
    }

    func apiKeys(user: UUID, after: ListCursor.TimeKey?, limit: Int) async throws -> [APIKeyInfo] {
        let key = after ?? .start
        let rows = try await client.query(
            """
            SELECT id, name, prefix, created_at, expires_at FROM api_keys WHERE user_id = \(user) AND revoked_at IS NULL
              AND (\(after == nil) OR (created_at, id) > (timestamptz 'epoch' + \(key.micros) * interval '1 microsecond', \(key.id)))
            ORDER BY created_at, id LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode((UUID, String, String, Date, Date?).self).collect().map {
            APIKeyInfo(id: $0.0, name: $0.1, prefix: $0.2, createdAt: $0.3, expiresAt: $0.4)
        }
    }

    /// Revokes a live key of `user`; `false` when there is none with that id.
    func revokeAPIKey(id: UUID, user: UUID, at: Date, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "UPDATE api_keys SET revoked_at = \(at) WHERE id = \(id) AND user_id = \(user) AND revoked_at IS NULL RETURNING id",
            logger: logger
        )
        return try await !rows.decode(UUID.self).collect().isEmpty
    }
}

/// Caller lookup by API-key hash: on every authenticated request, so prepared once per connection.
struct APIKeyLookup: PostgresPreparedStatement {
    static let sql = """
        SELECT id, name, superuser, key_hash, user_id, expires_at FROM api_keys
        WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
        """
    typealias Row = (id: UUID, name: String, superuser: Bool, hash: Data, user: UUID?, expiresAt: Date?)

    /// What the cache keeps of a row.
    struct Key: Sendable {
        var id: UUID
        var name: String
        var superuser: Bool
        var hash: Data
        var user: UUID?
    }

    var hash: Data
    var at: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        try bindings.append(hash)
        bindings.append(at)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (id, name, superuser, hash, user, expiresAt) = try row.decode((UUID, String, Bool, Data, UUID?, Date?).self)
        return (id, name, superuser, hash, user, expiresAt)
    }
}

/// Caller lookup by session hash (the console's and the CLI's sign-in), prepared.
struct SessionLookup: PostgresPreparedStatement {
    static let sql = """
        SELECT s.token_hash, u.id, u.email FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
        """
    typealias Row = (hash: Data, user: UUID, email: String)

    var hash: Data
    var at: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings()
        try bindings.append(hash)
        bindings.append(at)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (hash, user, email) = try row.decode((Data, UUID, String).self)
        return (hash, user, email)
    }
}
