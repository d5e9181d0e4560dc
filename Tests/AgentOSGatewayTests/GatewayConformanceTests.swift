import AgentOSAuth
import AgentOSAuthTestSupport
import AgentOSGateway
import AsyncHTTPClient
import DemoOS
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Prometheus
import Testing

/// The verifier's conformance table (what a live Agno AgentOS 3.1.10 answered, row by row:
/// docs/agno-compatibility.md) through the gateway, in front of demo-os configured the same way,
/// as docs/gateway.md runs an OS: both checks on, the `Authorization` header passed on unchanged,
/// so listings are still filtered by the OS behind.
@Suite("Gateway: the conformance table through the gateway")
struct GatewayConformanceTests {
    @Test(arguments: AgnoServer.allCases)
    func server(_ server: AgnoServer) async throws {
        let rows = ConformanceTable.rows(for: server)
        // Both gates read one frozen clock: "expired 5 s ago" stays so on a loaded machine.
        let frozen = Date()
        var logger = Logger(label: "gateway-conformance")
        logger.logLevel = .critical
        let osGate = try AuthGate(
            configuration: try AgentOSAuthConfiguration(environment: server.environment),
            now: { frozen },
            onEvent: { _ in }
        )
        let (osPorts, osRunning) = AsyncStream.makeStream(of: Int.self)
        let demo = Application(
            router: DemoOS.buildRouter(gate: osGate, osID: TestTokens.osID),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { osRunning.yield($0.localAddress?.port ?? 0) },
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { servers in
            servers.addTask { try await demo.run() }
            var osPort = 0
            for await port in osPorts {
                osPort = port
                break
            }
            var environment = server.environment
            environment["AGENTOS_UPSTREAM_URL"] = "http://127.0.0.1:\(osPort)"
            var configuration = try GatewayConfiguration(environment: environment)
            configuration.port = 0
            configuration.metricsPort = nil
            let gate = try AuthGate(configuration: configuration.auth, now: { frozen }, onEvent: { _ in })
            let forwarder = Gateway.makeHTTPClient(configuration: configuration)
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let (ports, running) = AsyncStream.makeStream(of: Int.self)
            let gateway = Gateway.application(
                configuration: configuration,
                gate: gate,
                client: forwarder,
                registry: PrometheusCollectorRegistry(),
                logger: logger,
                onServerRunning: { running.yield($0) }
            )
            servers.addTask { try await gateway.run() }
            var port = 0
            for await value in ports {
                port = value
                break
            }
            for row in rows {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(row.path)")
                request.method = HTTPMethod(rawValue: row.method)
                switch row.credential {
                case .none: break
                case .header(let value): request.headers.add(name: "Authorization", value: value)
                case .cookie(let value): request.headers.add(name: "Cookie", value: value)
                }
                if let text = row.body {
                    request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                    request.body = .bytes(ByteBuffer(string: text))
                }
                let response = try await client.execute(request, timeout: .seconds(20))
                let body = try await response.body.collect(upTo: 1 << 20)
                let mismatches = row.mismatches(status: Int(response.status.code), body: Data(body.readableBytesView))
                #expect(mismatches.isEmpty, "\(server.rawValue) \(row): \(mismatches)")
                #expect(response.headers["www-authenticate"].isEmpty)
            }
            try await client.shutdown()
            try await forwarder.shutdown()
            servers.cancelAll()
        }
    }
}
