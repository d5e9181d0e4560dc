import ControlPlane
import CoreMetrics
import Foundation
public import Prometheus

/// The control plane's metrics (`docs/operations.md`, metrics), recorded through swift-metrics
/// into one Prometheus registry that `/metrics` renders. Injected rather than global so every
/// test server has its own registry.
public struct ControlPlaneMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: any MetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        ]
        self.factory = factory
    }

    /// One answered request: `route` is the matched route template (never the raw path, which
    /// would carry ids and secrets in its labels).
    func request(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", "\(status)")]
        Counter(label: "controlplane_http_requests_total", dimensions: labels, factory: factory).increment()
        Timer(label: "controlplane_http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
            .recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// No organisation or OS label: `/metrics` is public, and nothing unauthenticated names a
    /// tenant (docs/security.md, "Nothing unauthenticated names a tenant").
    func tokenIssued(algorithm: String, grant: String) {
        let labels = [("algorithm", algorithm), ("grant", grant)]
        Counter(label: "controlplane_tokens_issued_total", dimensions: labels, factory: factory).increment()
    }

    /// `outcome`: `success`, `failure` (wrong email or password) or `throttled`.
    func signIn(_ outcome: String) {
        Counter(label: "controlplane_sign_ins_total", dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    /// `document`: `jwks`, `pem` (and later `status_list`).
    func publicKeyServed(_ document: String, notModified: Bool) {
        let labels = [("document", document), ("result", notModified ? "not_modified" : "sent")]
        Counter(label: "controlplane_public_documents_served_total", dimensions: labels, factory: factory).increment()
    }

    /// One pass of the key-rotation scheduler: `result` is `acted`, `idle` (nothing due),
    /// `skipped` (another replica held the lock) or `failed`; steps count staged, activated and
    /// retired keys.
    func rotationPass(result: String, staged: Int = 0, activated: Int = 0, retired: Int = 0) {
        Counter(label: "controlplane_key_rotation_passes_total", dimensions: [("result", result)], factory: factory).increment()
        for (step, count) in [("staged", staged), ("activated", activated), ("retired", retired)] where count > 0 {
            Counter(label: "controlplane_key_rotation_steps_total", dimensions: [("step", step)], factory: factory)
                .increment(by: Int64(count))
        }
    }

    /// Sets the gauges read from the database at scrape time: fleet-wide aggregates, never one
    /// series per organisation or OS (which would list every tenant to anyone who asks).
    func record(_ snapshot: OperationalStats.Snapshot) {
        let withoutKey = snapshot.keyAges.filter { $0.seconds == nil }.count
        Gauge(label: "controlplane_oses_without_active_key", factory: factory).record(Double(withoutKey))
        for scheduled in [false, true] {
            let ages = snapshot.keyAges.filter { ($0.rotationPeriod != nil) == scheduled }.compactMap(\.seconds)
            Gauge(
                label: "controlplane_signing_key_age_max_seconds",
                dimensions: [("schedule", scheduled ? "scheduled" : "manual")],
                factory: factory
            ).record(ages.max() ?? 0)
        }
        // Overdue: a schedule's key older than its period plus an hour (the scheduler's lead and a few passes).
        let overdue = snapshot.keyAges.filter { key in
            guard let seconds = key.seconds, let period = key.rotationPeriod else { return false }
            return seconds > Double(period) + 3600
        }
        Gauge(label: "controlplane_rotations_overdue", factory: factory).record(Double(overdue.count))
        for connection in snapshot.connections {
            Gauge(label: "controlplane_db_connections", dimensions: [("state", connection.state)], factory: factory)
                .record(Double(connection.count))
        }
        Gauge(label: "controlplane_migrations_applied", factory: factory).record(Double(snapshot.appliedMigrations))
    }
}
