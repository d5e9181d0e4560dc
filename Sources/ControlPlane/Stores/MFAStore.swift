import AgentOSAuth
import Foundation
import Logging
import PostgresNIO

/// SQL of the second factor: `user_totp` (sealed secrets), `mfa_recovery_codes` and
/// `mfa_challenges` (hashes only).
struct MFAStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// A user's TOTP enrolment as stored.
    struct Enrolment: Sendable {
        var ciphertext: Data
        var kekID: String
        var confirmed: Bool
        var lastStep: Int64
    }

    /// A live sign-in challenge: its user and that user's email (the throttle's key).
    struct Challenge: Sendable {
        var hash: Data
        var user: UUID
        var email: String
    }

    func enrolment(user: UUID, on connection: PostgresConnection? = nil) async throws -> Enrolment? {
        let query: PostgresQuery =
            "SELECT secret_ciphertext, kek_id, confirmed_at IS NOT NULL, last_step FROM user_totp WHERE user_id = \(user)"
        let rows =
            if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        return try await rows.decode((Data, String, Bool, Int64).self).collect().first.map {
            Enrolment(ciphertext: $0.0, kekID: $0.1, confirmed: $0.2, lastStep: $0.3)
        }
    }

    /// Stores a pending enrolment, replacing a pending one; `false` when a confirmed one exists.
    func putPending(user: UUID, ciphertext: Data, kekID: String, at: Date) async throws -> Bool {
        let rows = try await client.query(
            """
            INSERT INTO user_totp (user_id, secret_ciphertext, kek_id, created_at) VALUES (\(user), \(ciphertext), \(kekID), \(at))
            ON CONFLICT (user_id) DO UPDATE SET secret_ciphertext = EXCLUDED.secret_ciphertext, kek_id = EXCLUDED.kek_id,
                created_at = EXCLUDED.created_at, last_step = -1
            WHERE user_totp.confirmed_at IS NULL
            RETURNING user_id
            """,
            logger: logger
        )
        return try await !rows.decode(UUID.self).collect().isEmpty
    }

    /// Records `step` as used, only if it is later than the last used one (a code works once,
    /// and of two concurrent uses of one code only one wins); `confirm` also activates a pending
    /// enrolment.
    func useStep(user: UUID, step: Int64, confirm: Date?, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE user_totp SET last_step = \(step), confirmed_at = COALESCE(confirmed_at, \(confirm))
            WHERE user_id = \(user) AND last_step < \(step) AND ((\(confirm)::timestamptz IS NULL) = (confirmed_at IS NOT NULL))
            RETURNING user_id
            """,
            logger: logger
        )
        return try await !rows.decode(UUID.self).collect().isEmpty
    }

    /// Ends the enrolment and its recovery codes.
    func remove(user: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM user_totp WHERE user_id = \(user)", logger: logger)
        try await connection.query("DELETE FROM mfa_recovery_codes WHERE user_id = \(user)", logger: logger)
    }

    /// Replaces the user's recovery codes with these hashes.
    func replaceRecoveryCodes(user: UUID, hashes: [Data], at: Date, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM mfa_recovery_codes WHERE user_id = \(user)", logger: logger)
        for hash in hashes {
            try await connection.query(
                "INSERT INTO mfa_recovery_codes (id, user_id, code_hash, created_at) VALUES (\(UUID()), \(user), \(hash), \(at))",
                logger: logger
            )
        }
    }

    /// Spends an unused recovery code of `user` (one of concurrent uses wins).
    func useRecoveryCode(user: UUID, hash: Data, at: Date, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE mfa_recovery_codes SET used_at = \(at)
            WHERE user_id = \(user) AND code_hash = \(hash) AND used_at IS NULL RETURNING code_hash
            """,
            logger: logger
        )
        return try await rows.decode(Data.self).collect().contains { AuthGate.constantTimeEquals($0, hash) }
    }

    /// (confirmed TOTP, unused recovery codes) of `user`.
    func status(user: UUID) async throws -> (totp: Bool, recoveryCodesLeft: Int) {
        let rows = try await client.query(
            """
            SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = \(user) AND confirmed_at IS NOT NULL),
                   (SELECT count(*)::int FROM mfa_recovery_codes WHERE user_id = \(user) AND used_at IS NULL)
            """,
            logger: logger
        )
        let row = try await rows.decode((Bool, Int).self).collect().first
        return (row?.0 ?? false, row?.1 ?? 0)
    }

    func insertChallenge(hash: Data, user: UUID, at: Date, expires: Date) async throws {
        try await client.query(
            "INSERT INTO mfa_challenges (token_hash, user_id, created_at, expires_at) VALUES (\(hash), \(user), \(at), \(expires))",
            logger: logger
        )
    }

    /// A challenge neither used, expired nor worn out by `maxFailures` wrong codes.
    func challenge(hash: Data, at: Date, maxFailures: Int) async throws -> Challenge? {
        let rows = try await client.query(
            """
            SELECT c.token_hash, c.user_id, u.email FROM mfa_challenges c JOIN users u ON u.id = c.user_id
            WHERE c.token_hash = \(hash) AND c.used_at IS NULL AND c.expires_at > \(at) AND c.failures < \(maxFailures)
            """,
            logger: logger
        )
        return try await rows.decode((Data, UUID, String).self).collect().first.flatMap {
            AuthGate.constantTimeEquals($0.0, hash) ? Challenge(hash: $0.0, user: $0.1, email: $0.2) : nil
        }
    }

    /// Spends the challenge (one of concurrent completions wins).
    func takeChallenge(hash: Data, at: Date, maxFailures: Int, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE mfa_challenges SET used_at = \(at)
            WHERE token_hash = \(hash) AND used_at IS NULL AND expires_at > \(at) AND failures < \(maxFailures) RETURNING user_id
            """,
            logger: logger
        )
        return try await !rows.decode(UUID.self).collect().isEmpty
    }

    func countFailure(challenge hash: Data) async throws {
        try await client.query("UPDATE mfa_challenges SET failures = failures + 1 WHERE token_hash = \(hash)", logger: logger)
    }

    /// The organisations `user` has a membership of (where MFA changes are audited).
    func organizations(of user: UUID, on connection: PostgresConnection) async throws -> [UUID] {
        try await (try await connection.query("SELECT org_id FROM org_members WHERE user_id = \(user)", logger: logger))
            .decode(UUID.self).collect()
    }
}
