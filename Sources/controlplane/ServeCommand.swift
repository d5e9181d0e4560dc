import ArgumentParser
import ControlPlane
import ControlPlaneHTTP
import Foundation
import Hummingbird
import Logging
import PostgresNIO
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
            throw fail("CONTROL_PLANE_PORT must be a port number")
        }

        let session: DatabaseSession
        do {
            session = try await DatabaseSession.open(database, logger: logger)
        } catch {
            throw fail("\(error)")
        }
        defer { session.close(logger: logger) }
        do {
            try await session.migrate(logger: logger)
        } catch {
            throw fail("\(error)")
        }

        let client = PostgresClient(configuration: session.clientConfiguration, backgroundLogger: logger)
        let app = ControlPlaneServer.buildApplication(
            .init(client: client, migrations: session.runner),
            host: host,
            port: port,
            services: [],
            logger: logger,
            onServerRunning: { port in
                FileHandle.standardOutput.write(Data("controlplane listening on http://\(host):\(port)\n".utf8))
            }
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: client), .init(service: app)],
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
}
