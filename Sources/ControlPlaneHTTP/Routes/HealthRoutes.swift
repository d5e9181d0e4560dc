import ControlPlane
import Foundation
import Hummingbird
import Logging

/// `/health` (the process runs) and `/ready` (database answers, migrations applied).
struct HealthRoutes {
    let readiness: ReadinessCheck

    func register(on router: Router<APIRequestContext>) {
        router.get("/health") { _, _ in
            try JSONResponse(["status": "ok"])
        }
        router.get("/ready") { _, context in
            // Unauthenticated: the body names only the kind of problem; database error text and
            // migration names (which help an attacker probe) go to the log.
            if let notReady = await readiness.notReady(logger: context.logger) {
                context.logger.warning("not ready", metadata: ["reason": "\(notReady.detail)"])
                return try JSONResponse(["status": "unavailable", "reason": notReady.reason], status: .serviceUnavailable)
            }
            return try JSONResponse(["status": "ready"])
        }
    }
}
