import Prometheus

/// The gateway's own series (docs/gateway.md, "Metrics"), made through its registry with their
/// help text: outcomes and upstream latency, labelled with nothing a caller chooses (no path, id
/// or subject). The verifier counts its decisions itself (`agentos_auth_*`, through swift-metrics).
struct GatewayMetrics: Sendable {
    private let outcomes: [String: Counter]
    private let latency: DurationHistogram

    static let outcomeLabels = ["forwarded", "refused", "invalid", "upstream_error", "upstream_timeout"]
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    init(registry: PrometheusCollectorRegistry) {
        let requests = MetricNameDescriptor(
            metricName: "agentos_gateway_requests_total",
            unitName: "",
            helpText: "Requests by outcome: forwarded, refused (401/403), invalid (400/413), upstream_error (502), upstream_timeout (504)."
        )
        var outcomes: [String: Counter] = [:]
        for label in Self.outcomeLabels {
            outcomes[label] = registry.makeCounter(descriptor: requests, labels: [("outcome", label)])
        }
        self.outcomes = outcomes
        self.latency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "agentos_gateway_upstream_duration_seconds",
                unitName: "",
                helpText: "Time from forwarding a request to the upstream's answer head (streamed bodies not included)."
            ),
            labels: [],
            buckets: Self.buckets
        )
    }

    func count(_ outcome: String) {
        outcomes[outcome]?.increment()
    }

    func upstreamAnswered(after duration: Duration) {
        latency.record(duration)
    }
}
