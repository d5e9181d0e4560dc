import ControlPlane
import HTTPTypes
import Hummingbird
import Logging
import Prometheus

/// `GET /metrics`: Prometheus text exposition of the registry, with the database gauges and the
/// process series refreshed first. Public like `/health`: nothing in it is secret or names a
/// tenant (docs/security.md); restrict it at the proxy if the version should stay private.
struct MetricsRoutes {
    let metrics: ControlPlaneMetrics
    let stats: OperationalStats

    func register(on router: Router<APIRequestContext>) {
        router.get("/metrics") { _, context in
            do {
                metrics.record(try await stats.snapshot())
            } catch {
                // The request and process metrics are still worth serving while the database is away.
                context.logger.warning("metrics: database gauges not refreshed", metadata: ["error.type": "\(type(of: error))"])
            }
            metrics.recordProcess()
            var buffer = ByteBuffer()
            buffer.writeBytes(metrics.registry.emitToBuffer())
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: buffer)
            )
        }
    }
}
