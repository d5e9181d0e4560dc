import ControlPlaneHTTP
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Testing

@testable import ControlPlane

/// The scheduler as `serve` runs it: a service in a `ServiceGroup` that passes every interval,
/// reports to `/metrics`' registry, and stops on graceful shutdown.
@Suite("Key rotation scheduler service")
struct KeyRotationSchedulerServiceTests {
    @Test func passesEveryIntervalUntilShutdown() async throws {
        try await ControlPlaneHarness.run { (cp: ControlPlaneHarness) async throws in
            _ = try await KeyRotationScheduleTests.scheduledOS(cp)
            cp.clock.advance(TimeInterval(KeyRotationScheduleTests.day))
            let metrics = ControlPlaneMetrics()
            let scheduler = KeyRotationScheduler(
                rotation: cp.services.keyRotation,
                interval: .milliseconds(20),
                metrics: metrics,
                logger: TestCluster.logger
            )
            let group = ServiceGroup(services: [scheduler], logger: TestCluster.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // Staged on the first pass, activated once it has been published for a max age.
                let deadline = ContinuousClock.now + .seconds(20)
                while try await KeyRotationScheduleTests.keys(cp).filter({ $0.state == "pending" }).isEmpty, ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                cp.clock.advance(ControlPlaneHarness.settings.jwksMaxAge + 1)
                while try await KeyRotationScheduleTests.keys(cp).filter({ $0.state == "retiring" }).isEmpty, ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(20))
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            let keys = try await KeyRotationScheduleTests.keys(cp)
            #expect(keys.map(\.state) == ["active", "retiring"], "\(keys)")
            let text = String(decoding: metrics.registry.emitToBuffer(), as: UTF8.self)
            #expect(MetricsTests.sample(text, "controlplane_key_rotation_steps_total", ["step=\"staged\""]) == 1, "\(text)")
            #expect(MetricsTests.sample(text, "controlplane_key_rotation_steps_total", ["step=\"activated\""]) == 1, "\(text)")
            #expect((MetricsTests.sample(text, "controlplane_key_rotation_passes_total", ["result=\"acted\""]) ?? 0) >= 2, "\(text)")
        }
    }
}
