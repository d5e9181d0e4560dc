import ArgumentParser
import ControlPlane
import ControlPlaneHTTP
import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ServiceLifecycle
import UnixSignals

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the control plane (starts an embedded PostgreSQL unless DATABASE_URL/POSTGRES_* is set)."
    )

    @Option(help: "Address to listen on (env CONTROL_PLANE_HOST).")
    var host: String?

    @Option(help: "Port to listen on (env CONTROL_PLANE_PORT).")
    var port: Int?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = makeLogger()
        let environment = ProcessInfo.processInfo.environment
        let host = self.host ?? environment["CONTROL_PLANE_HOST"] ?? "127.0.0.1"
        guard let port = self.port ?? Int(environment["CONTROL_PLANE_PORT"] ?? "8080"), (0...65535).contains(port) else {
            throw fail("the port must be a number from 0 to 65535 (--port or CONTROL_PLANE_PORT)")
        }
        do {
            try await Self.checkPortIsFree(host: host, port: port)
        } catch {
            throw fail("\(error)")
        }

        let session: DatabaseSession
        do {
            session = try await DatabaseSession.open(database, logger: logger)
        } catch {
            throw fail("\(error)")
        }
        try await session.closing(logger: logger) {
            try await serve(session, logger: logger, environment: environment, host: host, port: port)
        }
    }

    private func serve(_ session: DatabaseSession, logger: Logger, environment: [String: String], host: String, port: Int) async throws {
        let masterKeys: MasterKeys
        let settings: ControlPlaneSettings
        let requestTimeout: Duration
        let trustedProxies: TrustedProxies
        let console: ConsoleAssets
        let setupCode: String?
        do {
            requestTimeout = try Self.requestTimeout(environment)
            trustedProxies = try TrustedProxies(parsing: environment["CONTROL_PLANE_TRUSTED_PROXIES"] ?? "")
            masterKeys = try session.masterKeys(database)
            var configured = try DatabaseSession.settings(environment)
            // Tokens name the control plane as their issuer; default to the address it serves on.
            let bracketed = host.contains(":") ? "[\(host)]" : host
            configured.issuer = environment["CONTROL_PLANE_ISSUER"] ?? "http://\(bracketed):\(port)"
            try ControlPlaneSettings.checkIssuer(configured.issuer)
            settings = configured
            console = try Self.console(logger: logger)
            setupCode = try await migrateAndBootstrap(session: session, logger: logger)
        } catch {
            throw fail("\(error)")
        }

        // One registry for the control plane's own metrics and anything reporting through
        // swift-metrics in this process; `/metrics` renders it.
        let metrics = ControlPlaneMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        let client = PostgresClient(configuration: session.clientConfiguration, backgroundLogger: logger)
        let services = ControlPlaneServices(client: client, masterKeys: masterKeys, settings: settings, logger: logger)
        let changeFeed = ChangeFeed(client: client, epoch: services.cacheEpoch, logger: logger)
        let dataDirectory = database.dataDirectory
        let terminal = isatty(STDOUT_FILENO) == 1
        let app = ControlPlaneServer.buildApplication(
            .init(
                client: client,
                services: services,
                migrations: session.runner,
                requestTimeout: requestTimeout,
                metrics: metrics,
                trustedProxies: trustedProxies,
                console: console,
                changeFeed: changeFeed
            ),
            host: host,
            port: port,
            services: [],
            logger: logger,
            onServerRunning: { port in
                let base = environment["CONTROL_PLANE_ISSUER"] ?? "http://\(host):\(port)"
                var lines = ["controlplane listening on http://\(host):\(port)"]
                do {
                    lines += try Self.firstRunLines(baseURL: base, setupCode: setupCode, dataDirectory: dataDirectory, terminal: terminal)
                } catch {
                    logger.error("could not write the setup link", metadata: ["error": "\(error)"])
                }
                FileHandle.standardOutput.write(Data(lines.map { $0 + "\n" }.joined().utf8))
            }
        )
        // Every replica runs the scheduler; its pass lock lets one act at a time.
        let rotation = KeyRotationScheduler(
            rotation: services.keyRotation,
            interval: .milliseconds(Int64(settings.rotationCheckInterval * 1000)),
            metrics: metrics,
            logger: logger
        )
        // Graceful shutdown runs in reverse order: the server finishes its requests while the
        // group commits they wait on still write, and these drain before the client closes.
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: client)] + services.backgroundServices.map { .init(service: $0) } + [
                    .init(service: changeFeed),
                    .init(service: app),
                    .init(service: rotation),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            try await group.run()
        } catch {
            throw fail("\(error)")
        }
    }

    /// Migrates, then on first start against an empty database creates the superuser key. Embedded mode writes it to
    /// `<data dir>/admin.key` (0600) and logs the path, never the key. Returns a first-run setup
    /// code while no organisation exists (``Setup``).
    func migrateAndBootstrap(session: DatabaseSession, logger: Logger) async throws -> String? {
        let adminKeyFile = database.dataDirectory.appendingPathComponent("admin.key")
        let embedded = session.embedded != nil
        return try await session.withMigratedService(database, logger: logger) { service in
            try await service.organizations.installBuiltinRoles()
            // Chains written before the keyed MAC (migration 0007) are verified once and re-sealed.
            let sealing = try await service.audit.sealUnkeyedChains(at: Date())
            if !sealing.refused.isEmpty {
                logger.error("audit chains left unsealed because they did not verify", metadata: ["count": "\(sealing.refused.count)"])
            }
            if try await !service.authentication.hasAPIKeys() {
                if embedded {
                    try await Self.writeAdminKey(service, to: adminKeyFile, logger: logger)
                } else {
                    logger.warning("no API key exists yet: create one with `controlplane admin-key create`")
                }
            }
            let code = try await service.setup.issueCode()
            // Events committed with their change but not chained when a process stopped, and
            // those of the steps above (the bootstrap key's).
            let chained = try await service.audit.chainPending()
            if chained > 0 { logger.notice("audit events left in the inbox chained", metadata: ["events": "\(chained)"]) }
            return code
        }
    }

    /// Creates the superuser key and writes it exclusively with 0600 (never through an existing
    /// file or symlink); a leftover file is refused before a key that could not be written exists.
    static func writeAdminKey(_ service: ControlPlaneServices, to file: URL, logger: Logger) async throws {
        guard !FileManager.default.fileExists(atPath: file.path) else {
            throw ControlPlaneError.invalid("\(file.path) exists but the database has no API key: remove the stale file")
        }
        let key = try await service.authentication.createSuperuserKey(name: "bootstrap admin")
        try SecretFile.create(file.path, contents: Data((key + "\n").utf8))
        logger.notice("superuser API key written", metadata: ["path": "\(file.path)"])
    }

    /// The browser console's files (`CONTROL_PLANE_CONSOLE_DIR` or the defaults of ``ConsoleAssets/defaultDirectory``);
    /// without them the API still runs and `/console` says how to install it.
    static func console(logger: Logger) throws -> ConsoleAssets {
        guard let directory = ConsoleAssets.defaultDirectory() else {
            logger.warning("console files not found: /console is off (set CONTROL_PLANE_CONSOLE_DIR to the repository's Console/)")
            return .none
        }
        do {
            return try ConsoleAssets(directory: directory)
        } catch {
            throw ControlPlaneError.invalid("cannot read the console files in \(directory.path): \(error)")
        }
    }

    /// `CONTROL_PLANE_REQUEST_TIMEOUT`: seconds a request may run before it is answered 503 (default 5).
    static func requestTimeout(_ environment: [String: String]) throws -> Duration {
        guard let raw = environment["CONTROL_PLANE_REQUEST_TIMEOUT"] else { return .seconds(5) }
        guard let seconds = Double(raw), seconds.isFinite, seconds > 0, seconds <= 3600 else {
            throw ControlPlaneError.invalid("CONTROL_PLANE_REQUEST_TIMEOUT must be seconds, > 0 and <= 3600")
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}
