import ControlPlane
import Hummingbird
import Logging

/// `/health` (the process runs) and `/ready` (the database answers and every migration is
/// applied), for load balancers and Kubernetes probes; both public.
extension APIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: "ok"))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        let logger = try RequestScope.current.logger
        // Unauthenticated: the body names only the kind of problem; database error text and
        // migration names (which help an attacker probe) go to the log.
        if let notReady = await readiness.notReady(logger: logger) {
            logger.warning("not ready", metadata: ["reason": "\(notReady.detail)"])
            return .serviceUnavailable(.init(body: .json(.Readiness(.init(reason: notReady.reason, status: "unavailable")))))
        }
        return .ok(.init(body: .json(.init(status: "ready"))))
    }
}
