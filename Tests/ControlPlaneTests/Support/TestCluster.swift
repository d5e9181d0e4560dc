import ControlPlane
import Foundation
import Logging
import PostgresNIO

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL every storage test runs against: `DATABASE_URL` when given, else an
/// embedded cluster started once per test process with the product's own launcher.
///
/// A missing PostgreSQL is a test failure with the launcher's message, never a skip.
enum TestCluster {
    static let logger: Logger = {
        // The suite provokes the product's warnings and errors on purpose (outages, tampered
        // chains); its tests judge what the API answers, not what is logged. TEST_LOG_LEVEL=debug
        // shows everything when investigating.
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()

    /// Connection settings for a database of the shared cluster.
    struct Server: Sendable {
        var configuration: @Sendable (String) -> PostgresClient.Configuration
        /// `pg_dump` connection arguments for a database.
        var dumpArguments: @Sendable (String) -> [String]
        /// Environment variables pointing `controlplane` at a database.
        var cliEnvironment: @Sendable (String) -> [String: String]
    }

    private static let shared = Task<Server, any Error> {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            guard
                case .external(let base, _) = try DatabaseConfiguration.from(
                    environment: environment,
                    dataDirectory: URL(fileURLWithPath: "/")
                )
            else { fatalError("unreachable") }
            return Server(
                configuration: { name in
                    var configuration = base
                    configuration.database = name
                    return configuration
                },
                dumpArguments: { name in
                    var components = URLComponents(string: url)!
                    components.path = "/" + name
                    return ["--dbname=\(components.string!)"]
                },
                cliEnvironment: { name in
                    var components = URLComponents(string: url)!
                    components.path = "/" + name
                    return ["DATABASE_URL": components.string!]
                }
            )
        }
        let directory = try makeTemporaryDirectory(prefix: "cpt")
        let cluster = try EmbeddedPostgres(dataDirectory: directory, fsync: false, maxConnections: 1000)
        try await cluster.start(logger: logger)
        sharedClusterDirectory = directory.path
        atexit {
            guard let path = sharedClusterDirectory else { return }
            // An exit handler cannot await pg_ctl: ask the postmaster itself for a fast shutdown
            // (SIGINT) and wait for it to go before removing its files.
            if let cluster = try? EmbeddedPostgres(dataDirectory: URL(fileURLWithPath: path)), let pid = cluster.postmasterPID,
                cluster.isRunning
            {
                kill(pid, SIGINT)
                for _ in 0..<500 where kill(pid, 0) == 0 { usleep(20_000) }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        return Server(
            configuration: { name in cluster.clientConfiguration(database: name) },
            dumpArguments: { name in ["-h", cluster.socketDirectory, "-U", EmbeddedPostgres.user, "-d", name] },
            cliEnvironment: { name in ["POSTGRES_SOCKET": cluster.socketPath, "POSTGRES_USER": EmbeddedPostgres.user, "POSTGRES_DB": name] }
        )
    }

    nonisolated(unsafe) private static var sharedClusterDirectory: String?

    static func server() async throws -> Server { try await shared.value }

    /// The repository's `Migrations/`.
    static var migrations: [Migration] {
        get throws { try Migration.load(from: migrationsDirectory) }
    }

    static var migrationsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Migrations")
    }

    /// Runs `body` against a fresh database of its own (migrated unless told otherwise), dropped afterwards.
    static func withDatabase<T: Sendable>(
        migrated: Bool = true,
        _ body: @Sendable (PostgresClient, PostgresClient.Configuration) async throws -> T
    ) async throws -> T {
        try await withNamedDatabase(migrated: migrated) { client, configuration, _ in try await body(client, configuration) }
    }

    /// One database migrated once per test process; every migrated test database is a copy of it
    /// (`CREATE DATABASE … TEMPLATE`), which costs a file copy instead of running every migration
    /// per test. The migrations themselves are tested on empty databases (`MigrationRunnerTests`).
    private static let migratedTemplate = Task<String, any Error> {
        let cluster = try await TestCluster.server()
        let name = "t_template_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await DatabaseStartup.createDatabaseIfMissing(name, maintenance: cluster.configuration("postgres"), logger: logger)
        // The client is shut down before this returns: a template must have no session open.
        try await DatabaseStartup.withClient(cluster.configuration(name), logger: logger) { client in
            try await MigrationRunner(migrations: try migrations).run(on: client, logger: logger)
        }
        return name
    }

    /// As ``withDatabase(migrated:_:)``, also passing the database name.
    static func withNamedDatabase<T: Sendable>(
        migrated: Bool = true,
        _ body: @Sendable (PostgresClient, PostgresClient.Configuration, String) async throws -> T
    ) async throws -> T {
        let server = try await server()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        if migrated {
            let template = try await migratedTemplate.value
            try await DatabaseStartup.withClient(server.configuration("postgres"), logger: logger) { client in
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: logger)
            }
        } else {
            try await DatabaseStartup.createDatabaseIfMissing(name, maintenance: server.configuration("postgres"), logger: logger)
        }
        let configuration = {
            var configuration = server.configuration(name)
            // The in-process tests run at once: a small pool each keeps the cluster under max_connections.
            configuration.options.maximumConnections = 4
            return configuration
        }()
        do {
            let result = try await DatabaseStartup.withClient(configuration, logger: logger) { client in
                try await body(client, configuration, name)
            }
            try? await drop(name, server: server)
            return result
        } catch {
            try? await drop(name, server: server)
            throw error
        }
    }

    private static func drop(_ name: String, server: Server) async throws {
        try await DatabaseStartup.withClient(server.configuration("postgres"), logger: logger) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }
}

/// A fresh private directory (short, so Unix socket paths fit).
func makeTemporaryDirectory(prefix: String) throws -> URL {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    guard let pointer = mkdtemp(&template) else { throw POSIXError(.EIO) }
    return URL(fileURLWithPath: String(cString: pointer))
}

extension TestCluster {
    /// A migrated control-plane database on a private cluster of its own, for tests that stop and
    /// start PostgreSQL (the shared cluster must stay up for everyone else). The client connects
    /// with a 1 s timeout, so an outage shows promptly.
    static func withPrivateCluster(
        prefix: String,
        _ body: @Sendable (EmbeddedPostgres, PostgresClient, MigrationRunner) async throws -> Void
    ) async throws {
        let directory = try makeTemporaryDirectory(prefix: prefix)
        let cluster = try EmbeddedPostgres(dataDirectory: directory, fsync: false)
        // Stopped on both paths by hand: `stop()` is async, which a `defer` cannot await.
        do {
            try await cluster.start(logger: logger)
            let migrations = MigrationRunner(migrations: try migrations)
            var configuration = cluster.clientConfiguration(database: "postgres")
            configuration.options.connectTimeout = .seconds(1)
            try await DatabaseStartup.withClient(configuration, logger: logger) { client in
                try await migrations.run(on: client, logger: logger)
                try await body(cluster, client, migrations)
            }
        } catch {
            try? await cluster.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        try? await cluster.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
