import AgentOSAuth
import AgentOSAuthTestSupport
import CoreMetrics
import DemoOS
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetricsTestKit
import Testing

/// The verifier reports its decisions through swift-metrics, so an OS exports them with whatever
/// backend it bootstraps.
@Suite("Verifier metrics")
struct VerifierMetricsTests {
    /// swift-metrics allows one bootstrap per process: this suite's, shared by its tests. Nothing
    /// else in the test process bootstraps (the control plane's metrics use an injected factory).
    static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    /// This suite's own OS id, so decisions of suites running at the same time are not counted.
    static let osID = "metrics-os"

    static func count(_ outcome: String, _ code: String) -> Int64 {
        let dimensions = [("os", osID), ("outcome", outcome), ("code", code)]
        return metrics.counters(label: "agentos_auth_decisions_total", dimensions: dimensions).first?.totalValue ?? 0
    }

    @Test func decisionsAreCountedByOutcomeAndCode() async throws {
        _ = Self.metrics  // bootstrapped before the first decision
        let environment = ["JWT_VERIFICATION_KEY": TestTokens.rsa1PEM, "AGENT_OS_ID": Self.osID]
        let gate = try AuthGate(configuration: try AgentOSAuthConfiguration(environment: environment))
        let before = (Self.count("allowed", "none"), Self.count("denied", "missingCredentials"), Self.count("denied", "insufficientScopes"))
        try await Application(router: DemoOS.buildRouter(gate: gate, osID: Self.osID)).test(.router) { client in
            let reader = TestTokens.make {
                $0["scopes"] = ["agents:read"]
                $0["aud"] = Self.osID
            }
            for _ in 0..<2 {
                try await client.execute(uri: "/agents", method: .get, headers: [.authorization: "Bearer \(reader)"]) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(uri: "/agents", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/sessions", method: .get, headers: [.authorization: "Bearer \(reader)"]) {
                #expect($0.status == .forbidden)
            }
        }
        #expect(Self.count("allowed", "none") - before.0 == 2)
        #expect(Self.count("denied", "missingCredentials") - before.1 == 1)
        #expect(Self.count("denied", "insufficientScopes") - before.2 == 1)
    }
}
