import CoreMetrics

/// What the verifier reports through swift-metrics, to whatever backend the OS bootstraps
/// (`MetricsSystem.bootstrap`); without one, swift-metrics drops them.
///
/// * `agentos_auth_decisions_total{os, outcome, code}`: every request the gate decided: `os` is
///   `AGENT_OS_ID` (or `-`); `outcome` is `allowed`, `excluded` or `denied`; `code` the refusal
///   (`missingCredentials`, `insufficientScopes`…).
/// * `agentos_auth_jwks_fetches_total{result}`: JWKS URL fetches: `success` or `failure`.
enum VerifierMetrics {
    static func record(_ decision: GateDecision, os: String?) {
        let outcome: [(String, String)] =
            switch decision {
            case .allowed: [("outcome", "allowed"), ("code", "none")]
            case .excluded: [("outcome", "excluded"), ("code", "none")]
            case .denied(let error): [("outcome", "denied"), ("code", error.code.description)]
            }
        Counter(label: "agentos_auth_decisions_total", dimensions: [("os", os ?? "-")] + outcome).increment()
    }

    static func jwksFetch(succeeded: Bool) {
        Counter(label: "agentos_auth_jwks_fetches_total", dimensions: [("result", succeeded ? "success" : "failure")]).increment()
    }
}
