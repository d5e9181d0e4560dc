public import Logging
public import PostgresNIO

/// Answers "can this instance serve requests?": the database answers and every migration is applied.
public struct ReadinessCheck: Sendable {
    public let client: PostgresClient
    public let runner: MigrationRunner
    public let timeout: Duration

    public init(client: PostgresClient, runner: MigrationRunner, timeout: Duration = .seconds(2)) {
        self.client = client
        self.runner = runner
        self.timeout = timeout
    }

    /// Why an instance is not ready: a generic `reason` anyone may see, and the `detail` (database
    /// error text, migration names) that only goes to the log.
    public struct NotReady: Sendable, Equatable {
        public var reason: String
        public var detail: String
    }

    /// `nil` when ready.
    public func notReady(logger: Logger) async -> NotReady? {
        do {
            let status = try await withTimeout(timeout) { [client, runner] in
                try await runner.status(on: client, logger: logger)
            }
            if let first = status.pending.first {
                return NotReady(reason: "migrations pending", detail: "\(status.pending.count) migration(s) pending, first \(first)")
            }
            return nil
        } catch is TimeoutError {
            return NotReady(reason: "database unavailable", detail: "database did not answer within \(timeout)")
        } catch let error as MigrationError {
            return NotReady(reason: "migrations inconsistent", detail: error.description)
        } catch {
            return NotReady(reason: "database unavailable", detail: "database unavailable: \(describeDatabaseError(error))")
        }
    }
}
