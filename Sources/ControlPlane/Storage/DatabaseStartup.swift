public import Logging
public import PostgresNIO

/// Start-up steps shared by `serve`, `migrate` and the test harness.
public enum DatabaseStartup {
    /// Runs `body` with a `PostgresClient` that is running for the duration of the call.
    @discardableResult
    public static func withClient<T: Sendable>(
        _ configuration: PostgresClient.Configuration,
        logger: Logger,
        _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // Let run() start first so postgres-nio does not warn about an early lease.
            try await Task.sleep(for: .milliseconds(5))
            return try await body(client)
        }
    }

    /// Fails within `timeout` with a readable message when the server cannot be reached.
    public static func checkReachable(
        _ configuration: PostgresClient.Configuration,
        described: String,
        timeout: Duration = .seconds(5),
        logger: Logger
    ) async throws {
        // A connection attempt in flight delays the pool's shutdown until it times out, so the
        // attempt must not outlive the check (postgres-nio's default is 10 s).
        var configuration = configuration
        configuration.options.connectTimeout = min(configuration.options.connectTimeout, timeout)
        // The pool is not awaited on the way out: its shutdown may wait for a backoff timer or
        // an attempt in flight, and the caller is about to report the failure and exit.
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        do {
            try await Task.sleep(for: .milliseconds(5))
            _ = try await withTimeout(timeout) {
                try await client.query("SELECT 1", logger: logger)
            }
        } catch let error as TimeoutError {
            throw DatabaseConfigurationError("cannot reach PostgreSQL at \(described): \(error)")
        } catch {
            throw DatabaseConfigurationError("cannot use PostgreSQL at \(described): \(describeDatabaseError(error))")
        }
    }

    /// Creates `database` in the cluster reached by `configuration` (connected to `postgres`)
    /// unless it exists.
    public static func createDatabaseIfMissing(
        _ database: String,
        maintenance configuration: PostgresClient.Configuration,
        logger: Logger
    ) async throws {
        try await withClient(configuration, logger: logger) { client in
            let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(database)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            guard !exists else { return }
            // Identifiers cannot be bound; `database` is validated by the caller.
            precondition(database.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
            do {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)"), logger: logger)
            } catch let error as PSQLError where error.sqlState == .duplicateDatabase {
                // Created concurrently by another starter: fine.
            }
        }
    }
}
