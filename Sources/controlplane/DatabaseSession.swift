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
            try await embedded.start(logger: logger)
            do {
                try await DatabaseStartup.createDatabaseIfMissing(
                    EmbeddedPostgres.database,
                    maintenance: embedded.clientConfiguration(database: "postgres"),
                    logger: logger
                )
            } catch {
                try? await embedded.stop()
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
        try await DatabaseStartup.withClient(clientConfiguration, logger: logger) { client in
            try await migrate(client, logger: logger)
        }
    }

    private func migrate(_ client: PostgresClient, logger: Logger) async throws {
        let applied = try await runner.run(on: client, logger: logger)
        logger.info("migrations up to date", metadata: ["applied": "\(applied.count)", "total": "\(runner.migrations.count)"])
    }

    /// KEKs: from the environment, else (embedded mode only) a generated file in the data directory.
    func masterKeys(_ options: DatabaseOptions) throws -> MasterKeys {
        try MasterKeys.load(
            environment: options.environment,
            generateInto: embedded == nil ? nil : options.dataDirectory.appendingPathComponent("master.key")
        )
    }

    static func settings(_ environment: [String: String]) throws -> ControlPlaneSettings {
        var settings = ControlPlaneSettings()
        if let raw = environment["CONTROL_PLANE_MAX_TOKEN_LIFETIME"] {
            guard let value = TimeInterval(raw), value > 0 else {
                throw ControlPlaneError.invalid("CONTROL_PLANE_MAX_TOKEN_LIFETIME must be seconds > 0")
            }
            settings.maxTokenLifetime = value
        }
        if let raw = environment["CONTROL_PLANE_JWKS_MAX_AGE"] {
            guard let value = TimeInterval(raw), value >= 0 else {
                throw ControlPlaneError.invalid("CONTROL_PLANE_JWKS_MAX_AGE must be seconds >= 0")
            }
            settings.jwksMaxAge = value
        }
        if let raw = environment["CONTROL_PLANE_STATUS_LIST_TTL"] {
            guard let value = Int(raw), value >= 1, value <= 3600 else {
                throw ControlPlaneError.invalid("CONTROL_PLANE_STATUS_LIST_TTL must be whole seconds between 1 and 3600")
            }
            settings.statusListTTL = TimeInterval(value)
        }
        if let raw = environment["CONTROL_PLANE_ROTATION_CHECK_INTERVAL"] {
            guard let value = Int(raw), value >= 1, value <= 3600 else {
                throw ControlPlaneError.invalid("CONTROL_PLANE_ROTATION_CHECK_INTERVAL must be whole seconds between 1 and 3600")
            }
            settings.rotationCheckInterval = TimeInterval(value)
        }
        if let raw = environment["CONTROL_PLANE_STATUS_LISTS"]?.lowercased() {
            switch raw {
            case "true", "1", "on", "yes": settings.statusLists = true
            case "false", "0", "off", "no": settings.statusLists = false
            default: throw ControlPlaneError.invalid("CONTROL_PLANE_STATUS_LISTS must be true or false")
            }
        }
        return settings
    }

    /// Applies pending migrations, then runs `body` with a service, all on one temporary client.
    func withMigratedService<T: Sendable>(
        _ options: DatabaseOptions,
        logger: Logger,
        _ body: @Sendable (ControlPlaneServices) async throws -> T
    ) async throws -> T {
        let keys = try masterKeys(options)
        let settings = try Self.settings(options.environment)
        return try await DatabaseStartup.withClient(clientConfiguration, logger: logger) { client in
            try await migrate(client, logger: logger)
            return try await body(ControlPlaneServices(client: client, masterKeys: keys, settings: settings, logger: logger))
        }
    }

    /// Runs `body`, then stops the embedded cluster (if any), whether `body` returned or threw.
    func closing<T: Sendable>(logger: Logger, _ body: () async throws -> T) async throws -> T {
        let result: T
        do {
            result = try await body()
        } catch {
            await close(logger: logger)
            throw error
        }
        await close(logger: logger)
        return result
    }

    private func close(logger: Logger) async {
        guard let embedded else { return }
        do {
            try await embedded.stop()
            logger.info("embedded PostgreSQL stopped")
        } catch {
            logger.error("stopping embedded PostgreSQL failed", metadata: ["error": "\(error)"])
        }
    }
}
