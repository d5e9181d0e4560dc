public import Logging
public import PostgresNIO

/// Sends a message on the change channel that every replica LISTENs on (migration 0009): the
/// replicas' fence messages beside the triggers' change notifications.
public struct ChangeNotifier: Sendable {
    /// The channel the triggers of migration 0009 notify.
    public static let channel = "controlplane_changes"

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func send(_ payload: String) async throws {
        try await client.query("SELECT pg_notify(\(Self.channel), \(payload))", logger: logger)
    }
}
