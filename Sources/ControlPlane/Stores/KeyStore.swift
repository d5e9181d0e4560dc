import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// SQL of `signing_keys`: public halves, sealed private halves and their lifecycle.
struct KeyStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// A sealed private key as stored.
    struct Sealed: Sendable {
        var os: UUID
        var kid: String
        var algorithm: SigningAlgorithm
        var ciphertext: Data
        var kekID: String
    }

    typealias Row = (String, SigningAlgorithm, KeyState, Date, Date?, Date?, String, JSONObject)

    /// A retiring key past `retire_at` reads as `retired`.
    static func key(_ row: Row, now: Date) -> SigningKeyInfo {
        var state = row.2
        if state == .retiring, let retireAt = row.5, retireAt <= now { state = .retired }
        return SigningKeyInfo(
            kid: row.0,
            algorithm: row.1,
            state: state,
            createdAt: row.3,
            activatedAt: row.4,
            retireAt: row.5,
            publicKeyPEM: row.6,
            jwk: row.7.values
        )
    }

    func insert(_ key: SigningKeyInfo, sealed: Sealed, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO signing_keys (os_instance, kid, algorithm, state, public_key_pem, public_jwk, private_key_ciphertext, kek_id, created_at, activated_at)
            VALUES (\(sealed.os), \(key.kid), \(key.algorithm), \(key.state), \(key.publicKeyPEM),
                    \(JSONObject(key.jwk)), \(sealed.ciphertext), \(sealed.kekID), \(key.createdAt), \(key.activatedAt))
            """,
            logger: logger
        )
    }

    /// Up to `limit` keys of an OS created before `after` (creation time in microseconds, kid),
    /// newest first.
    func keys(os: UUID, now: Date, after: (micros: Int64, kid: String)?, limit: Int) async throws -> [SigningKeyInfo] {
        let from = after ?? (0, "")
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.keyColumns) FROM signing_keys WHERE os_instance = \(os)
              AND (\(after == nil) OR (created_at, kid) < (timestamptz 'epoch' + \(from.micros) * interval '1 microsecond', \(from.kid)))
            ORDER BY created_at DESC, kid DESC LIMIT \(limit)
            """,
            logger: logger
        )
        return try await rows.decode(Row.self).collect().map { Self.key($0, now: now) }
    }

    /// Every key of an OS, newest first.
    func keys(os: UUID, now: Date) async throws -> [SigningKeyInfo] {
        let rows = try await client.query(Self.keysQuery(os: os), logger: logger)
        return try await rows.decode(Row.self).collect().map { Self.key($0, now: now) }
    }

    /// As ``keys(os:now:)``, inside a transaction (after the OS row is locked, so it is current).
    func keys(os: UUID, now: Date, on connection: PostgresConnection) async throws -> [SigningKeyInfo] {
        let rows = try await connection.query(Self.keysQuery(os: os), logger: logger)
        return try await rows.decode(Row.self).collect().map { Self.key($0, now: now) }
    }

    /// The columns of ``Row``.
    private static let keyColumns = "kid, algorithm, state, created_at, activated_at, retire_at, public_key_pem, public_jwk"

    private static func keysQuery(os: UUID) -> PostgresQuery {
        """
        SELECT \(unescaped: keyColumns) FROM signing_keys WHERE os_instance = \(os) ORDER BY created_at DESC, kid
        """
    }

    /// The sealed private half of the OS's active key.
    func activeSealed(os: UUID) async throws -> Sealed? {
        let rows = try await client.query(
            """
            SELECT kid, algorithm, private_key_ciphertext, kek_id FROM signing_keys
            WHERE os_instance = \(os) AND state = 'active'
            """,
            logger: logger
        )
        return try await rows.decode((String, SigningAlgorithm, Data, String).self).collect().first.map {
            Sealed(os: os, kid: $0.0, algorithm: $0.1, ciphertext: $0.2, kekID: $0.3)
        }
    }

    /// Moves the active key (if any) to `retiring`; returns the kids it moved.
    func retireActive(os: UUID, at: Date, retireAt: Date, on connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query(
            """
            UPDATE signing_keys SET state = 'retiring', deactivated_at = \(at), retire_at = \(retireAt)
            WHERE os_instance = \(os) AND state = 'active' RETURNING kid
            """,
            logger: logger
        )
        return try await rows.decode(String.self).collect()
    }

    func activate(os: UUID, kid: String, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE signing_keys SET state = 'active', activated_at = \(at), deactivated_at = NULL, retire_at = NULL
            WHERE os_instance = \(os) AND kid = \(kid)
            """,
            logger: logger
        )
    }

    func revoke(os: UUID, kid: String, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE signing_keys SET state = 'revoked', revoked_at = \(at) WHERE os_instance = \(os) AND kid = \(kid)",
            logger: logger
        )
    }

    /// Every sealed key, row-locked for re-sealing.
    func allSealedForUpdate(on connection: PostgresConnection) async throws -> [Sealed] {
        let rows = try await connection.query(
            "SELECT os_instance, kid, algorithm, private_key_ciphertext, kek_id FROM signing_keys FOR UPDATE",
            logger: logger
        )
        return try await rows.decode((UUID, String, SigningAlgorithm, Data, String).self).collect().map {
            Sealed(os: $0.0, kid: $0.1, algorithm: $0.2, ciphertext: $0.3, kekID: $0.4)
        }
    }

    func updateSealed(_ sealed: Sealed, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE signing_keys SET private_key_ciphertext = \(sealed.ciphertext), kek_id = \(sealed.kekID)
            WHERE os_instance = \(sealed.os) AND kid = \(sealed.kid)
            """,
            logger: logger
        )
    }
}
