import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// SQL of `status_list_keys`: each OS's Status List Token key, public JWK and sealed private half.
struct StatusListKeyStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct Row: Sendable {
        var os: UUID
        var kid: String
        var jwk: [String: String]
        var ciphertext: Data
        var kekID: String
    }

    /// The OS's key, if it has one.
    func key(os: UUID) async throws -> Row? {
        let rows = try await client.query(
            "SELECT os_instance, kid, jwk, private_key_ciphertext, kek_id FROM status_list_keys WHERE os_instance = \(os)",
            logger: logger
        )
        return try await rows.decode((UUID, String, JSONObject, Data, String).self).collect().first.map {
            Row(os: $0.0, kid: $0.1, jwk: $0.2.values, ciphertext: $0.3, kekID: $0.4)
        }
    }

    /// Stores `row` unless the OS already has a key (two replicas creating one at once: the first wins).
    func insertIfAbsent(_ row: Row, at: Date) async throws {
        try await client.query(
            """
            INSERT INTO status_list_keys (os_instance, kid, algorithm, jwk, private_key_ciphertext, kek_id, created_at)
            VALUES (\(row.os), \(row.kid), 'ES256', \(JSONObject(row.jwk)), \(row.ciphertext), \(row.kekID), \(at))
            ON CONFLICT (os_instance) DO NOTHING
            """,
            logger: logger
        )
    }

    /// Every key, row-locked for re-sealing under a new KEK.
    func allForUpdate(on connection: PostgresConnection) async throws -> [Row] {
        let rows = try await connection.query(
            "SELECT os_instance, kid, jwk, private_key_ciphertext, kek_id FROM status_list_keys FOR UPDATE",
            logger: logger
        )
        return try await rows.decode((UUID, String, JSONObject, Data, String).self).collect().map {
            Row(os: $0.0, kid: $0.1, jwk: $0.2.values, ciphertext: $0.3, kekID: $0.4)
        }
    }

    func updateSealed(_ row: Row, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE status_list_keys SET private_key_ciphertext = \(row.ciphertext), kek_id = \(row.kekID) WHERE os_instance = \(row.os)",
            logger: logger
        )
    }
}
