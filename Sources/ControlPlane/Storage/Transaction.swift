import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `body` in a transaction on this connection, rolling back and rethrowing the body's own
    /// error (postgres-nio's `withTransaction` wraps it). The migration runner uses it too.
    func transaction<T: Sendable>(logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await query("BEGIN", logger: logger)
        do {
            let result = try await body(self)
            try await query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await query("ROLLBACK", logger: logger)
            throw error
        }
    }
}

extension PostgresClient {
    /// Runs `body` in a transaction on one pooled connection.
    func transaction<T: Sendable>(logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in try await connection.transaction(logger: logger, body) }
    }
}

extension AsyncSequence {
    /// All elements, in order (query results here are small: one page, one role's scopes…).
    func collect() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}

extension PSQLError {
    /// The SQLSTATE of a server error, e.g. `23505` for a unique violation.
    var sqlState: PostgresError.Code? { serverInfo?[.sqlState].map(PostgresError.Code.init(raw:)) }

    /// A unique constraint was violated (a duplicate slug, binding, grant…).
    var isUniqueViolation: Bool { sqlState == .uniqueViolation }
}
