public import AgentOSAuth
public import AsyncHTTPClient
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
public import Logging
import NIOCore
public import Prometheus

/// Builds the gateway's two listeners (docs/gateway.md): the proxied one, whose every request
/// ``GatewayResponder`` decides and forwards, and `/metrics` on its own address, so the upstream's
/// routes and the gateway's never share a path.
public enum Gateway {
    /// The client to the upstream: no redirects followed (a redirect is the upstream's answer to
    /// pass on), no decompression (bodies pass through as sent), the configured timeouts.
    public static func makeHTTPClient(configuration: GatewayConfiguration) -> HTTPClient {
        var client = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .nanoseconds(Int64(configuration.connectTimeout * 1e9)),
                read: .nanoseconds(Int64(configuration.upstreamTimeout * 1e9))
            ),
            decompression: .disabled
        )
        client.httpVersion = .http1Only
        // AsyncHTTPClient keeps 8 connections per host by default: every client request past the
        // eighth would queue behind them (measured: Agno behind the gateway at 53 % of Agno alone
        // with 32 clients; docs/performance.md, "The gateway").
        client.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.upstreamConnections
        )
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: client)
    }

    /// The proxied listener on `configuration.host:port`.
    public static func application(
        configuration: GatewayConfiguration,
        gate: AuthGate,
        client: HTTPClient,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let clientTimeout = TimeAmount.nanoseconds(Int64(configuration.clientTimeout * 1e9))
        let relay = WorkflowSocketRelay(
            gate: gate,
            upstream: configuration.upstream,
            authenticationTimeout: .nanoseconds(clientTimeout.nanoseconds)
        )
        return Application(
            responder: GatewayResponder(configuration: configuration, gate: gate, client: client, registry: registry),
            // Only Agno's workflow socket is upgraded; any other upgrade request is a plain
            // request to the responder, which drops `Upgrade` as hop-by-hop.
            server: HTTPServerBuilder { responder in
                RefusingUpgradeChannel(
                    base: HTTP1WebSocketUpgradeChannel(
                        responder: responder,
                        configuration: .init(
                            http1: .init(idleTimeout: clientTimeout),
                            ws: .init(maxFrameSize: WorkflowSocketRelay.maxMessage)
                        )
                    ) { head, _, _ in
                        guard WorkflowSocketRelay.accepts(head), let target = head.path else { return .dontUpgrade }
                        return .upgrade([:]) { inbound, outbound, context in
                            try await relay.relay(target: target, client: inbound, outbound, logger: context.logger)
                        }
                    },
                    firstHeadTimeout: clientTimeout
                )
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// `GET /metrics` (Prometheus text) on `configuration.metricsHost:metricsPort`.
    public static func metricsApplication(
        configuration: GatewayConfiguration,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            var buffer = ByteBuffer()
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            buffer.writeBytes(bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: buffer)
            )
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.metricsHost, port: configuration.metricsPort ?? 0)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}
