import ControlPlane
import ServiceLifecycle

extension ControlPlaneServices {
    /// Runs `body` while the services' ``ControlPlaneServices/backgroundServices`` (the group
    /// commits token issuance waits on) run in a service group, as `serve` runs them; then shuts
    /// them down gracefully, which writes whatever is still pending.
    func withBackgroundServices<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let group = ServiceGroup(services: backgroundServices, logger: TestCluster.logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}
