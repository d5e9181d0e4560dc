import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` in a transaction on one connection; rethrows the body's own error (postgres-nio's
    /// `withTransaction` wraps it), rolling back first.
    func transaction<T: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
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
