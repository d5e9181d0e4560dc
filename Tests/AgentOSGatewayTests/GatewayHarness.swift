import AgentOSAuth
import AgentOSAuthTestSupport
import AgentOSGateway
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import ServiceLifecycle

/// A recording upstream and a gateway in front of it, both on live loopback sockets of this
/// process; the verifier trusts ``AgentOSAuthTestSupport/TestKeys/rsa1`` for OS `probe-os`.
struct GatewayHarness {
    let upstream: RecordingUpstream
    let gatewayPort: Int
    let metricsPort: Int
    let client: HTTPClient

    var base: String { "http://127.0.0.1:\(gatewayPort)" }

    /// The configuration the tests start from: PEM key, `probe-os`, metrics on a free port.
    static func configuration(upstreamPort: Int, _ edit: (inout GatewayConfiguration) throws -> Void = { _ in }) throws
        -> GatewayConfiguration
    {
        var auth = AgentOSAuthConfiguration()
        auth.verificationKeys = try KeySet.parsePEMBlocks(TestTokens.rsa1PEM)
        auth.osID = TestTokens.osID
        var configuration = GatewayConfiguration(upstream: URL(string: "http://127.0.0.1:\(upstreamPort)")!, auth: auth)
        configuration.port = 0
        configuration.metricsPort = 0
        try edit(&configuration)
        return configuration
    }

    /// Runs `body` with both servers up, then stops them.
    static func run<T: Sendable>(
        upstreamPort fixedUpstream: Int? = nil,
        _ edit: @escaping (inout GatewayConfiguration) throws -> Void = { _ in },
        _ body: (GatewayHarness) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "gateway-test")
        logger.logLevel = .critical
        let upstream = RecordingUpstream()
        let registry = PrometheusCollectorRegistry()
        return try await withRunning(RecordingResponder(upstream: upstream), logger: logger) { upstreamPort in
            let configuration = try configuration(upstreamPort: fixedUpstream ?? upstreamPort, edit)
            let gate = try AuthGate(configuration: configuration.auth, onEvent: { _ in })
            let forwarder = Gateway.makeHTTPClient(configuration: configuration)
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let gateway = Gateway.application(
                configuration: configuration,
                gate: gate,
                client: forwarder,
                registry: registry,
                logger: logger,
                onServerRunning: { continuation.yield($0) }
            )
            let metrics = Gateway.metricsApplication(configuration: configuration, registry: registry, logger: logger) {
                continuation.yield(-$0)
            }
            let group = ServiceGroup(services: [gateway, metrics], logger: logger)
            let result: Result<T, any Error>
            do {
                result = .success(
                    try await withThrowingTaskGroup(of: Void.self) { tasks in
                        tasks.addTask { try await group.run() }
                        var gatewayPort = 0
                        var metricsPort = 0
                        for await port in ports {
                            if port > 0 { gatewayPort = port } else { metricsPort = -port }
                            if gatewayPort > 0 && metricsPort > 0 { break }
                        }
                        defer { tasks.cancelAll() }
                        return try await body(
                            GatewayHarness(upstream: upstream, gatewayPort: gatewayPort, metricsPort: metricsPort, client: client)
                        )
                    }
                )
            } catch {
                result = .failure(error)
            }
            // Both clients end before the harness returns, whatever the body did.
            try await forwarder.shutdown()
            try await client.shutdown()
            return try result.get()
        }
    }

    /// Runs the upstream until `body` returns; `body` gets its port.
    static func withRunning<T: Sendable>(
        _ responder: RecordingResponder,
        logger: Logger,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let upstream = responder.upstream
        let running = Application(
            responder: responder,
            server: .http1WebSocketUpgrade { head, _, _ in
                guard head.path == "/workflows/ws" else { return .dontUpgrade }
                return .upgrade([:]) { inbound, outbound, _ in try await upstream.socket(inbound, outbound) }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await running.run() }
            var port = 0
            for await value in ports {
                port = value
                break
            }
            defer { tasks.cancelAll() }
            return try await body(port)
        }
    }

    /// Sends a request through the gateway and collects the answer.
    func send(
        _ method: HTTPMethod,
        _ target: String,
        token: String? = nil,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: base + target)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: .seconds(20))
        let collected = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers, String(buffer: collected))
    }

    /// The Prometheus text of the metrics listener.
    func metrics() async throws -> String {
        let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(metricsPort)/metrics"), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
