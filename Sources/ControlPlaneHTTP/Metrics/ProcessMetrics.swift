import Prometheus
import Synchronization

/// The `process_*` series, set from ``ProcessStats`` when `/metrics` is scraped. A class: every
/// copy of ``ControlPlaneMetrics`` must share what the CPU counter has already been given.
final class ProcessMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    /// The CPU seconds the counter holds: the registry's counter can only be added to.
    private let reportedCPU = Mutex(0.0)

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func record(_ stats: ProcessStats) {
        let cpu = registry.makeCounter(descriptor: MetricFamily.processCPU.descriptor)
        reportedCPU.withLock { reported in
            // Under the lock, so two scrapes at once cannot both add the same seconds.
            guard stats.cpuSeconds > reported else { return }
            cpu.increment(by: stats.cpuSeconds - reported)
            reported = stats.cpuSeconds
        }
        set(.processResidentMemory, stats.residentBytes)
        set(.processVirtualMemory, stats.virtualBytes)
        set(.processStartTime, stats.startTime)
        if let open = stats.openDescriptors { set(.processOpenDescriptors, open) }
        if let max = stats.maxDescriptors { set(.processMaxDescriptors, max) }
    }

    private func set(_ family: MetricFamily, _ value: Double) {
        registry.makeGauge(descriptor: family.descriptor).set(value)
    }
}
