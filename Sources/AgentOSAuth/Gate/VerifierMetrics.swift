import CoreMetrics
import Synchronization

/// What the verifier reports through swift-metrics, to whatever backend the OS bootstraps
/// (`MetricsSystem.bootstrap`, before the gate is created); without one, swift-metrics drops them.
///
/// * `agentos_auth_decisions_total{os, outcome, code}`: every request the gate decided: `os` is
///   `AGENT_OS_ID` (or `-`); `outcome` is `allowed`, `excluded` or `denied`; `code` the refusal
///   (`missingCredentials`, `insufficientScopes`…).
/// * `agentos_auth_jwks_fetches_total{result}`: JWKS URL fetches: `success` or `failure`.
///
/// Decisions are on every request's path, so their counters are made once per gate (refusal
/// codes on first use) rather than looked up in the backend per request.
final class VerifierMetrics: Sendable {
    static let decisions = "agentos_auth_decisions_total"

    private let os: String
    private let allowed: Counter
    private let excluded: Counter
    private let denied = Mutex<[String: Counter]>([:])

    init(os: String?) {
        self.os = os ?? "-"
        allowed = Counter(label: Self.decisions, dimensions: [("os", self.os), ("outcome", "allowed"), ("code", "none")])
        excluded = Counter(label: Self.decisions, dimensions: [("os", self.os), ("outcome", "excluded"), ("code", "none")])
    }

    func record(_ decision: GateDecision) {
        switch decision {
        case .allowed: allowed.increment()
        case .excluded: excluded.increment()
        case .denied(let error):
            let code = error.code.description
            denied.withLock { counters in
                if let counter = counters[code] { return counter }
                let counter = Counter(label: Self.decisions, dimensions: [("os", os), ("outcome", "denied"), ("code", code)])
                counters[code] = counter
                return counter
            }.increment()
        }
    }

    static func jwksFetch(succeeded: Bool) {
        Counter(label: "agentos_auth_jwks_fetches_total", dimensions: [("result", succeeded ? "success" : "failure")]).increment()
    }
}
