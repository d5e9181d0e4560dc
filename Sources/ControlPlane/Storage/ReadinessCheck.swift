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

    /// `nil` when ready, else the reason it is not.
    public func notReadyReason(logger: Logger) async -> String? {
        do {
            let status = try await withTimeout(timeout) { [client, runner] in
                try await runner.status(on: client, logger: logger)
            }
            if let first = status.pending.first {
                return "\(status.pending.count) migration(s) pending, first \(first)"
            }
            return nil
        } catch is TimeoutError {
            return "database did not answer within \(timeout)"
        } catch let error as MigrationError {
            return error.description
        } catch {
            return "database unavailable: \(describeDatabaseError(error))"
        }
    }
}
