import AgentOSAuth
import AgentOSAuthHTTPClient
import AgentOSAuthHummingbird
import ArgumentParser
import DemoOS
import Foundation
import Hummingbird
import Logging

/// An example AgentOS guarded by AgentOSAuth, configured like Agno's (JWT_VERIFICATION_KEY,
/// JWT_JWKS_FILE, JWT_JWKS_URL, OS_SECURITY_KEY, AGENT_OS_ID, JWT_ISSUER, CORS_ORIGIN_LIST). Without any credential
/// source it refuses to start, unless AGENTOS_AUTH_DISABLED=true.
@main
struct DemoOSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-os",
        abstract: "An AgentOS-shaped demo server protected by AgentOSAuth."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 7777

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "demo-os")
        let environment = ProcessInfo.processInfo.environment
        let gate: AuthGate
        do {
            gate = try AuthGate(
                configuration: try AgentOSAuthConfiguration(environment: environment),
                fetcher: HTTPClientDocumentFetcher().fetch,
                onEvent: AuthEvent.logging(to: logger)
            )
            try await gate.start()
        } catch {
            FileHandle.standardError.write(Data("demo-os: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let host = self.host
        let app = DemoOS.buildApplication(
            gate: gate,
            osID: environment["AGENT_OS_ID"] ?? "demo-os",
            host: host,
            port: port,
            cors: CORSOrigins(parsing: environment["CORS_ORIGIN_LIST"]),
            logger: logger,
            onServerRunning: { port in
                FileHandle.standardOutput.write(
                    Data("demo-os listening on http://\(host):\(port) (auth_mode=\(gate.authMode.rawValue))\n".utf8)
                )
            }
        )
        try await app.runService()
    }
}
