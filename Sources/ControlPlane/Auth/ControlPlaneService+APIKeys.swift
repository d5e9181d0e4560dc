import AgentOSAuth
import Crypto
import Foundation
import PostgresNIO

extension ControlPlaneService {
    /// `cpk_` + 32 random bytes, base64url: shown once, stored only as SHA-256.
    static func newSecret(prefix: String) -> String {
        prefix + SymmetricKey(size: .bits256).withUnsafeBytes { Base64URL.encode($0) }
    }

    static func hash(_ secret: String) -> Data { Data(SHA256.hash(data: Data(secret.utf8))) }

    /// Creates a superuser key and returns it (the only time it is visible).
    public func createSuperuserKey(name: String) async throws -> String {
        let secret = Self.newSecret(prefix: "cpk_")
        try await client.query(
            "INSERT INTO api_keys (key_hash, prefix, name, superuser) VALUES (\(Self.hash(secret)), \(String(secret.prefix(12))), \(name), true)",
            logger: logger
        )
        return secret
    }

    /// Whether any API key exists (first start creates the bootstrap key).
    public func hasAPIKeys() async throws -> Bool {
        let rows = try await client.query("SELECT count(*) FROM api_keys", logger: logger)
        for try await count in rows.decode(Int.self) { return count > 0 }
        return false
    }

    /// The caller owning a bearer credential: a `cpk_` API key (superuser or user), a `cps_`
    /// sign-in session or a `cpsa_` service-account secret. Lookups are by SHA-256 and the stored
    /// hash is compared in constant time, so timing reveals nothing about the secret.
    public func authenticate(bearer secret: String) async throws -> Caller {
        guard secret.utf8.count <= 256 else { throw Self.invalidCredentials }
        let hash = Self.hash(secret)
        let at = now()
        if secret.hasPrefix("cpk_") {
            let rows = try await client.query(
                """
                SELECT k.id, k.name, k.superuser, k.key_hash, k.user_id FROM api_keys k
                WHERE k.key_hash = \(hash) AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > \(at))
                """,
                logger: logger
            )
            for try await (id, name, superuser, stored, userID) in rows.decode((UUID, String, Bool, Data, UUID?).self) {
                guard Self.constantTimeEquals(stored, hash) else { break }
                if superuser { return Caller(identity: .superuser(keyID: id), credential: .apiKey(id), name: name) }
                guard let userID else { break }
                return Caller(identity: .user(userID), credential: .apiKey(id), name: name)
            }
        } else if secret.hasPrefix("cps_") {
            let rows = try await client.query(
                """
                SELECT s.token_hash, u.id, u.email FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(hash) AND s.revoked_at IS NULL AND s.expires_at > \(at)
                """,
                logger: logger
            )
            for try await (stored, userID, email) in rows.decode((Data, UUID, String).self) {
                guard Self.constantTimeEquals(stored, hash) else { break }
                return Caller(identity: .user(userID), credential: .session(hash), name: email)
            }
        } else if secret.hasPrefix("cpsa_") {
            let rows = try await client.query(
                """
                SELECT id, org_id, name, token_broker, secret_hash FROM service_accounts
                WHERE secret_hash = \(hash) AND revoked_at IS NULL
                """,
                logger: logger
            )
            for try await (id, org, name, broker, stored) in rows.decode((UUID, UUID, String, Bool, Data).self) {
                guard Self.constantTimeEquals(stored, hash) else { break }
                return Caller(identity: .serviceAccount(id: id, org: org, tokenBroker: broker), credential: .clientSecret, name: name)
            }
        }
        throw Self.invalidCredentials
    }

    static let invalidCredentials = ControlPlaneError.unauthenticated("invalid or expired credentials")

    static func constantTimeEquals(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Replaces the OS's security key and returns the new one, once (`security_key.rotated` audited).
    public func rotateSecurityKey(org slug: String, os id: String, actor: Actor) async throws -> String {
        let os = try await osInstance(org: slug, id: id)
        let secret = Self.newSecret(prefix: "osk_")
        let at = now()
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO os_security_keys (os_instance, key_hash, created_at) VALUES (\(os.internalID), \(Self.hash(secret)), \(at))
                ON CONFLICT (os_instance) DO UPDATE SET key_hash = EXCLUDED.key_hash, created_at = EXCLUDED.created_at
                """,
                logger: logger
            )
            try await AuditLog.append(
                connection,
                org: os.orgID,
                actor: actor.id,
                action: "security_key.rotated",
                target: "os:\(id)",
                at: at,
                logger: logger
            )
        }
        return secret
    }
}
