public import ControlPlane
import Foundation
public import Logging
public import ServiceLifecycle

/// Runs the key-rotation pass (``KeyRotation``) every `interval` until graceful shutdown; run by
/// `controlplane serve` on every replica (the pass's lock lets one act at a time). A failed pass
/// (e.g. the database is down) is logged and retried at the next interval, never ending the service.
public struct KeyRotationScheduler: Service {
    let rotation: KeyRotation
    let interval: Duration
    let metrics: ControlPlaneMetrics?
    let logger: Logger

    public init(rotation: KeyRotation, interval: Duration, metrics: ControlPlaneMetrics?, logger: Logger) {
        self.rotation = rotation
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await pass()
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown interrupted the sleep: done.
        }
    }

    /// One pass, reported to the metrics and (when something changed or failed) the log.
    func pass() async {
        do {
            let pass = try await rotation.run()
            guard pass.acted else {
                metrics?.rotationPass(result: "skipped")
                return
            }
            metrics?.rotationPass(
                result: pass.changedSomething ? "acted" : "idle",
                staged: pass.staged.count,
                activated: pass.activated.count,
                retired: pass.retired.count
            )
        } catch is CancellationError {
            return
        } catch {
            metrics?.rotationPass(result: "failed")
            logger.warning("key rotation pass failed; retrying at the next interval", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
