import AgentOSAuth
import DemoOS
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// demo-os in-process, checking status lists of the harness's control plane: its fetcher
/// answers `https://cp.test/…` from the harness, its clock is the harness's.
struct StatusListOS {
    let gate: AuthGate

    init(_ cp: ControlPlaneHarness, os: String = "prod") async throws {
        let pem = try await cp.send(.get, "/v1/orgs/acme/os/\(os)/public-key", key: .some(nil)).text
        let environment = [
            "JWT_VERIFICATION_KEY": pem, "AGENT_OS_ID": os, "JWT_STATUS_LIST_ORIGIN": "https://cp.test",
            "JWT_STATUS_LIST_REFETCH_INTERVAL": "0",
        ]
        gate = try AuthGate(
            configuration: try AgentOSAuthConfiguration(environment: environment),
            fetcher: { request in
                let reply = try await cp.send(.get, request.url.path, key: .some(nil))
                return .init(status: reply.status, data: reply.body, maxAge: nil)
            },
            now: { cp.clock.now() },
            onEvent: { _ in }
        )
    }

    /// `GET /agents` with `token`: the status and the detail.
    func agents(_ token: String) async throws -> (Int, String?) {
        switch await gate.decide(method: "GET", path: "/agents", authorization: "Bearer \(token)") {
        case .excluded: (0, nil)
        case .allowed: (200, nil)
        case .denied(let error): (error.status, error.message)
        }
    }

    /// The same through demo-os's router (the middleware and a handler).
    func agentsThroughDemoOS(_ token: String) async throws -> Int {
        try await Application(router: DemoOS.buildRouter(gate: gate, osID: "prod")).test(.router) { os in
            try await os.execute(uri: "/agents", method: .get, headers: [.authorization: "Bearer \(token)"]) { Int($0.status.code) }
        }
    }
}
