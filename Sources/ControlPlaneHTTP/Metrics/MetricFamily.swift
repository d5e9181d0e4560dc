import Prometheus

/// A family `/metrics` serves: its name and the help text that becomes its `# HELP` line. Every
/// family is made through the registry with its help (never through swift-metrics, whose
/// factory registers families without any, and the registry refuses two help texts for one name).
/// docs/operations.md, "Metrics", lists the same families.
struct MetricFamily: Sendable {
    let name: String
    let help: String

    var descriptor: MetricNameDescriptor {
        // The name is whole already: no namespace or unit to join onto it.
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}

extension MetricFamily {
    static let buildInfo = MetricFamily(
        name: "controlplane_build_info",
        help: "Always 1; its labels name the control plane's version and the Swift compiler that built it."
    )
    static let httpRequests = MetricFamily(
        name: "controlplane_http_requests_total",
        help: "Answered requests by method, matched route template (unmatched otherwise) and status."
    )
    static let httpRequestDuration = MetricFamily(
        name: "controlplane_http_request_duration_seconds",
        help: "Time to answer a request, by method and matched route template."
    )
    static let tokensIssued = MetricFamily(
        name: "controlplane_tokens_issued_total",
        help: "Access tokens issued, by signing algorithm and grant (api, client_credentials)."
    )
    static let signIns = MetricFamily(
        name: "controlplane_sign_ins_total",
        help: "Sign-in attempts by outcome (success, failure, throttled, mfa_required)."
    )
    static let publicDocumentsServed = MetricFamily(
        name: "controlplane_public_documents_served_total",
        help: "Public key documents served (jwks, pem), sent in full or not_modified."
    )
    static let rotationPasses = MetricFamily(
        name: "controlplane_key_rotation_passes_total",
        help: "Passes of this replica's key-rotation scheduler by result (acted, idle, skipped, failed)."
    )
    static let rotationSteps = MetricFamily(
        name: "controlplane_key_rotation_steps_total",
        help: "Signing keys the rotation scheduler staged, activated or retired."
    )
    static let osesWithoutActiveKey = MetricFamily(
        name: "controlplane_oses_without_active_key",
        help: "OSes with authorization on and no active signing key: their token requests fail with 409."
    )
    static let signingKeyAge = MetricFamily(
        name: "controlplane_signing_key_age_max_seconds",
        help: "Age since activation of the oldest active signing key, among OSes rotated by hand or on a schedule."
    )
    static let rotationsOverdue = MetricFamily(
        name: "controlplane_rotations_overdue",
        help: "OSes on a rotation schedule whose active key is older than their period plus an hour."
    )
    static let databaseConnections = MetricFamily(
        name: "controlplane_db_connections",
        help: "Server connections to this database by state (pg_stat_activity, all replicas)."
    )
    static let migrationsApplied = MetricFamily(
        name: "controlplane_migrations_applied",
        help: "Database migrations applied; replicas reporting different numbers are mid-upgrade."
    )

    // The process families keep the names and help texts of Prometheus's own client libraries,
    // so existing dashboards and alerts work unchanged.
    static let processCPU = MetricFamily(name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
    static let processResidentMemory = MetricFamily(name: "process_resident_memory_bytes", help: "Resident memory size in bytes.")
    static let processVirtualMemory = MetricFamily(name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.")
    static let processOpenDescriptors = MetricFamily(name: "process_open_fds", help: "Number of open file descriptors.")
    static let processMaxDescriptors = MetricFamily(name: "process_max_fds", help: "Maximum number of open file descriptors.")
    static let processStartTime = MetricFamily(
        name: "process_start_time_seconds",
        help: "Start time of the process since unix epoch in seconds."
    )
}
