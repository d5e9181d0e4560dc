import ControlPlane
import Foundation
import Hummingbird

/// `/health` (the process runs) and `/ready` (database answers, migrations applied).
struct HealthRoutes {
    let readiness: ReadinessCheck

    func register(on router: Router<APIRequestContext>) {
        router.get("/health") { _, _ in
            try JSONResponse(["status": "ok"])
        }
        router.get("/ready") { _, context in
            if let reason = await readiness.notReadyReason(logger: context.logger) {
                return try JSONResponse(["status": "unavailable", "reason": reason], status: .serviceUnavailable)
            }
            return try JSONResponse(["status": "ready"])
        }
    }
}
