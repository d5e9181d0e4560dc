import AgentOSAuth
import Crypto
public import Foundation
import PostgresNIO

/// A caller of the control-plane API, as established from its bearer key.
public struct Caller: Sendable, Equatable {
    public var keyID: UUID
    public var name: String
    public var isSuperuser: Bool
    public var actor: Actor { Actor("apikey:\(keyID.uuidString.lowercased())") }
}

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

    /// The caller owning `secret`. The lookup is by SHA-256, and the stored hash is compared in
    /// constant time, so timing reveals nothing about the key.
    public func authenticate(apiKey secret: String) async throws -> Caller {
        guard secret.hasPrefix("cpk_"), secret.utf8.count <= 256 else { throw ControlPlaneError.unauthenticated("invalid credentials") }
        let hash = Self.hash(secret)
        let rows = try await client.query(
            "SELECT id, name, superuser, key_hash FROM api_keys WHERE key_hash = \(hash) AND revoked_at IS NULL",
            logger: logger
        )
        for try await (id, name, superuser, stored) in rows.decode((UUID, String, Bool, Data).self) {
            guard Self.constantTimeEquals(stored, hash) else { break }
            return Caller(keyID: id, name: name, isSuperuser: superuser)
        }
        throw ControlPlaneError.unauthenticated("invalid credentials")
    }

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
