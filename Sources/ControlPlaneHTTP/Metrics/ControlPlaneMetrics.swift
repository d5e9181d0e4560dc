import ControlPlane
public import Prometheus

/// The control plane's metrics (`docs/operations.md`, metrics), made in one Prometheus registry
/// that `/metrics` renders, each family with its help text (``MetricFamily``). Injected rather
/// than global so every test server has its own registry.
public struct ControlPlaneMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let process: ProcessMetrics
    private let requests: RequestSeries

    /// Request latency buckets, 1 ms to 5 s.
    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        process = ProcessMetrics(registry: registry)
        requests = RequestSeries { key in
            RequestSeries.Series(
                requests: registry.makeCounter(
                    descriptor: MetricFamily.httpRequests.descriptor,
                    labels: [("method", key.method), ("route", key.route), ("status", "\(key.status)")]
                ),
                duration: registry.makeDurationHistogram(
                    descriptor: MetricFamily.httpRequestDuration.descriptor,
                    labels: [("method", key.method), ("route", key.route)],
                    buckets: Self.durationBuckets
                )
            )
        }
        let build = [("version", BuildInfo.version), ("swift", BuildInfo.swiftVersion)]
        registry.makeGauge(descriptor: MetricFamily.buildInfo.descriptor, labels: build).set(to: 1)
    }

    /// One answered request: `route` is the matched route template (never the raw path, which
    /// would carry ids and secrets in its labels).
    func request(method: String, route: String, status: Int, duration: Duration) {
        let series = requests.series(method: method, route: route, status: status)
        series.requests.increment()
        series.duration.record(duration)
    }

    /// No organisation or OS label: `/metrics` is public, and nothing unauthenticated names a
    /// tenant (docs/security.md, "Nothing unauthenticated names a tenant").
    func tokenIssued(algorithm: String, grant: String) {
        let labels = [("algorithm", algorithm), ("grant", grant)]
        counter(.tokensIssued, labels).increment()
    }

    /// `outcome`: `success`, `failure` (wrong email or password) or `throttled`.
    func signIn(_ outcome: String) {
        counter(.signIns, [("outcome", outcome)]).increment()
    }

    /// `document`: `jwks`, `pem` (and later `status_list`).
    func publicKeyServed(_ document: String, notModified: Bool) {
        let labels = [("document", document), ("result", notModified ? "not_modified" : "sent")]
        counter(.publicDocumentsServed, labels).increment()
    }

    /// One pass of the key-rotation scheduler: `result` is `acted`, `idle` (nothing due),
    /// `skipped` (another replica held the lock) or `failed`; steps count staged, activated and
    /// retired keys.
    func rotationPass(result: String, staged: Int = 0, activated: Int = 0, retired: Int = 0) {
        counter(.rotationPasses, [("result", result)]).increment()
        for (step, count) in [("staged", staged), ("activated", activated), ("retired", retired)] where count > 0 {
            counter(.rotationSteps, [("step", step)]).increment(by: Int64(count))
        }
    }

    /// Sets the gauges read from the database at scrape time: fleet-wide aggregates, never one
    /// series per organisation or OS (which would list every tenant to anyone who asks).
    func record(_ snapshot: OperationalStats.Snapshot) {
        let withoutKey = snapshot.keyAges.filter { $0.seconds == nil }.count
        gauge(.osesWithoutActiveKey).set(Double(withoutKey))
        for scheduled in [false, true] {
            let ages = snapshot.keyAges.filter { ($0.rotationPeriod != nil) == scheduled }.compactMap(\.seconds)
            gauge(.signingKeyAge, [("schedule", scheduled ? "scheduled" : "manual")]).set(ages.max() ?? 0)
        }
        // Overdue: a schedule's key older than its period plus an hour (the scheduler's lead and a few passes).
        let overdue = snapshot.keyAges.filter { key in
            guard let seconds = key.seconds, let period = key.rotationPeriod else { return false }
            return seconds > Double(period) + 3600
        }
        gauge(.rotationsOverdue).set(Double(overdue.count))
        for connection in snapshot.connections {
            gauge(.databaseConnections, [("state", connection.state)]).set(Double(connection.count))
        }
        gauge(.migrationsApplied).set(Double(snapshot.appliedMigrations))
    }

    /// Sets the `process_*` series from `/proc`, at scrape time; nothing where there is no `/proc`.
    func recordProcess() {
        if let stats = ProcessStats.current() { process.record(stats) }
    }

    private func counter(_ family: MetricFamily, _ labels: [(String, String)]) -> Counter {
        registry.makeCounter(descriptor: family.descriptor, labels: labels)
    }

    private func gauge(_ family: MetricFamily, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: family.descriptor, labels: labels)
    }
}
