public import Logging
public import PostgresNIO

/// Applies `Migration`s in order, each in its own transaction, under an advisory lock.
public struct MigrationRunner: Sendable {
    /// Arbitrary constant shared by every replica: "cp-migr" in ASCII.
    static let advisoryLockKey: Int64 = 0x6370_2D6D_6967_72

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// The state of the database relative to `migrations`.
    public struct Status: Sendable, Equatable {
        public var applied: [String]
        public var pending: [String]
    }

    /// Applies what is missing; returns the names applied by this call.
    @discardableResult
    public func run(on client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await migrate(connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    /// Compares the database's `schema_migrations` with `migrations` without changing anything.
    public func status(on client: PostgresClient, logger: Logger) async throws -> Status {
        let exists = try await client.query(
            "SELECT to_regclass('schema_migrations') IS NOT NULL",
            logger: logger
        )
        var tableExists = false
        for try await value in exists.decode(Bool.self) { tableExists = value }
        var applied: [String: String] = [:]
        if tableExists {
            let rows = try await client.query("SELECT name, checksum FROM schema_migrations", logger: logger)
            for try await (name, checksum) in rows.decode((String, String).self) { applied[name] = checksum }
        }
        try verify(applied)
        let appliedNames = migrations.map(\.name).filter { applied[$0] != nil }
        return Status(applied: appliedNames, pending: migrations.map(\.name).filter { applied[$0] == nil })
    }

    private func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        var applied: [String: String] = [:]
        let rows = try await connection.query("SELECT name, checksum FROM schema_migrations", logger: logger)
        for try await (name, checksum) in rows.decode((String, String).self) { applied[name] = checksum }
        try verify(applied)

        var done: [String] = []
        for migration in migrations where applied[migration.name] == nil {
            logger.info("applying migration", metadata: ["migration": "\(migration.name)"])
            do {
                try await connection.transaction(logger: logger) { connection in
                    for statement in SQLScript.statements(migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (name, checksum) VALUES (\(migration.name), \(migration.checksum))",
                        logger: logger
                    )
                }
            } catch {
                throw MigrationError.failed(file: migration.name, reason: describeDatabaseError(error))
            }
            done.append(migration.name)
        }
        return done
    }

    private func verify(_ applied: [String: String]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.name, $0.checksum) })
        for migration in migrations {
            if let checksum = applied[migration.name], checksum != migration.checksum {
                throw MigrationError.checksumMismatch(file: migration.name)
            }
        }
        if let unknown = applied.keys.sorted().first(where: { known[$0] == nil }) {
            throw MigrationError.unknownApplied(file: unknown)
        }
    }
}
