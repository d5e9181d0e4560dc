import ControlPlane
import Foundation
import Logging
import PostgresNIO

/// The database the process uses, started or checked, with migrations loaded.
struct DatabaseSession {
    var clientConfiguration: PostgresClient.Configuration
    var embedded: EmbeddedPostgres?
    var runner: MigrationRunner

    /// Starts the embedded cluster or checks the external server; fails with a readable error.
    static func open(_ options: DatabaseOptions, logger: Logger) async throws -> DatabaseSession {
        let runner = MigrationRunner(migrations: try Migration.load(from: options.migrationsDirectory))
        switch try DatabaseConfiguration.from(environment: options.environment, dataDirectory: options.dataDirectory) {
        case .embedded(let dataDirectory):
            let embedded = try EmbeddedPostgres(dataDirectory: dataDirectory)
            try embedded.start(logger: logger)
            do {
                try await DatabaseStartup.createDatabaseIfMissing(
                    EmbeddedPostgres.database,
                    maintenance: embedded.clientConfiguration(database: "postgres"),
                    logger: logger
                )
            } catch {
                try? embedded.stop()
                throw error
            }
            return DatabaseSession(clientConfiguration: embedded.clientConfiguration(), embedded: embedded, runner: runner)
        case .external(let configuration, let description):
            logger.info("using external PostgreSQL", metadata: ["db": "\(description)"])
            try await DatabaseStartup.checkReachable(configuration, described: description, logger: logger)
            return DatabaseSession(clientConfiguration: configuration, embedded: nil, runner: runner)
        }
    }

    func migrate(logger: Logger) async throws {
        try await DatabaseStartup.withClient(clientConfiguration, logger: logger) { [runner] client in
            let applied = try await runner.run(on: client, logger: logger)
            logger.info("migrations up to date", metadata: ["applied": "\(applied.count)", "total": "\(runner.migrations.count)"])
        }
    }

    func close(logger: Logger) {
        guard let embedded else { return }
        do {
            try embedded.stop()
            logger.info("embedded PostgreSQL stopped")
        } catch {
            logger.error("stopping embedded PostgreSQL failed", metadata: ["error": "\(error)"])
        }
    }
}
