import Foundation
import Logging
import PostgresNIO

/// SQL of `setup_codes` (Migrations/0012): the one-time codes of a fresh control plane.
struct SetupStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Whether any organisation exists (setup is open only while none does).
    func organizationsExist(on connection: PostgresConnection? = nil) async throws -> Bool {
        let query: PostgresQuery = "SELECT EXISTS (SELECT 1 FROM organizations)"
        let rows =
            if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        return try await rows.decode(Bool.self).collect().first ?? false
    }

    func insert(hash: Data, at: Date, expires: Date) async throws {
        try await client.query(
            "INSERT INTO setup_codes (code_hash, created_at, expires_at) VALUES (\(hash), \(at), \(expires))",
            logger: logger
        )
    }

    /// Whether `hash` is a live code at `at` (read only: nothing spent).
    func isLive(hash: Data, at: Date) async throws -> Bool {
        let rows = try await client.query(
            "SELECT 1 FROM setup_codes WHERE code_hash = \(hash) AND used_at IS NULL AND expires_at > \(at)",
            logger: logger
        )
        return try await rows.decode(Int.self).collect().isEmpty == false
    }

    /// Spends a live code; `false` when it is unknown, used or expired.
    func take(hash: Data, at: Date, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE setup_codes SET used_at = \(at)
            WHERE code_hash = \(hash) AND used_at IS NULL AND expires_at > \(at) RETURNING 1
            """,
            logger: logger
        )
        return try await rows.decode(Int.self).collect().isEmpty == false
    }

    /// Spends every live code: once setup is done, no other link may ever make an organisation.
    func spendAll(at: Date, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE setup_codes SET used_at = \(at) WHERE used_at IS NULL", logger: logger)
    }

    /// One setup at a time, to the end of the transaction.
    func lock(on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('first-run-setup', 7))", logger: logger)
    }
}
