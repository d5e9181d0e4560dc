import AgentOSAuth
import AgentOSAuthHTTPClient
import AgentOSAuthHummingbird
import AgentOSGateway
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `agentos-gateway`: the verifier in front of one AgentOS (docs/gateway.md). Configured from the
/// environment, like the verifier (`JWT_JWKS_URL`, `AGENT_OS_ID`, `JWT_ISSUER`,
/// `JWT_STATUS_LIST_ORIGIN`, …) plus `AGENTOS_UPSTREAM_URL` and the `GATEWAY_*` settings.
@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agentos-gateway",
        abstract: "Decides every request to an AgentOS with the verifier, then forwards it (docs/gateway.md)."
    )

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "agentos-gateway")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let registry = PrometheusCollectorRegistry()
        // The verifier's own series (agentos_auth_*) go through swift-metrics into the same registry.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let configuration: GatewayConfiguration
        let gate: AuthGate
        do {
            configuration = try GatewayConfiguration(environment: ProcessInfo.processInfo.environment)
            gate = try AuthGate(
                configuration: configuration.auth,
                fetcher: HTTPClientDocumentFetcher().fetch,
                onEvent: AuthEvent.logging(to: logger)
            )
            try await gate.start()
        } catch {
            FileHandle.standardError.write(Data("agentos-gateway: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let client = Gateway.makeHTTPClient(configuration: configuration)
        let upstream = configuration.upstream.absoluteString
        let host = configuration.host
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(
                service: Gateway.application(
                    configuration: configuration,
                    gate: gate,
                    client: client,
                    registry: registry,
                    logger: logger,
                    onServerRunning: { port in
                        FileHandle.standardOutput.write(
                            Data(
                                "agentos-gateway listening on http://\(host):\(port), forwarding to \(upstream) (auth_mode=\(gate.authMode.rawValue))\n"
                                    .utf8
                            )
                        )
                    }
                )
            )
        ]
        if configuration.metricsPort != nil {
            let metricsHost = configuration.metricsHost
            services.append(
                .init(
                    service: Gateway.metricsApplication(
                        configuration: configuration,
                        registry: registry,
                        logger: logger,
                        onServerRunning: { port in
                            FileHandle.standardOutput.write(Data("metrics on http://\(metricsHost):\(port)/metrics\n".utf8))
                        }
                    )
                )
            )
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        )
        do {
            try await group.run()
        } catch {
            try? await client.shutdown()
            FileHandle.standardError.write(Data("agentos-gateway: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try await client.shutdown()
    }
}
