import ControlPlane
import Foundation

/// What the sockets of a CLI run that has not finished after 10 s look like (`ss`): its own
/// connection and every socket on the port it connects to, with queue sizes and owners. Written
/// to a file named on stderr, to tell a server that never read the request from one that never
/// answered, or a connection that never got accepted.
enum HangReport {
    /// Every test database's sessions that are not idle: a request stuck on a lock, a pool with
    /// every connection idle in a transaction, or a statement that never finished.
    static func databaseActivity() async -> String {
        guard let server = try? await TestCluster.server(), let binaries = try? PostgresBinaries.locate() else { return "" }
        let psql = URL(fileURLWithPath: binaries.pgCtl).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("psql").path
        let sql = """
            SELECT datname, pid, state, wait_event_type, wait_event, now() - xact_start AS in_xact,
                   now() - state_change AS in_state, left(query, 120) AS query
            FROM pg_stat_activity WHERE state IS DISTINCT FROM 'idle' ORDER BY datname, xact_start;
            SELECT datname, count(*) AS sessions FROM pg_stat_activity GROUP BY datname ORDER BY 2 DESC LIMIT 10;
            """
        guard let process = try? ProcessRunner.start(psql, server.dumpArguments("postgres") + ["-X", "-c", sql]) else { return "" }
        defer { process.removeOutput() }
        _ = try? await process.exitCode()
        return "pg_stat_activity:\n" + process.output
    }

    static func snapshot(pid: Int32, what: String) async {
        guard let process = try? ProcessRunner.start("/usr/bin/ss", ["-tanpioe"]) else { return }
        defer { process.removeOutput() }
        guard (try? await process.exitCode()) != nil else { return }
        let lines = process.output.split(separator: "\n").map(String.init)
        let own = lines.enumerated().filter { $0.element.contains("pid=\(pid),") }
        // `ss -i` continues a socket on the next line: keep both.
        var ports: Set<String> = []
        for (_, line) in own {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            if columns.count > 4, let port = columns[4].split(separator: ":").last { ports.insert(String(port)) }
        }
        var report: [String] = ["\(what) (pid \(pid)) still running after 10 s; ports \(ports.sorted())"]
        for (index, line) in lines.enumerated() where ports.contains(where: { line.contains(":\($0) ") }) || line.contains("pid=\(pid),") {
            report.append(line)
            if index + 1 < lines.count, lines[index + 1].hasPrefix("\t") || lines[index + 1].hasPrefix(" ") {
                report.append(lines[index + 1])
            }
        }
        report.append(await databaseActivity())
        let path = NSTemporaryDirectory() + "cli-hang-\(pid).txt"
        try? report.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        FileHandle.standardError.write(Data("HangReport: \(what) still running after 10 s; sockets in \(path)\n".utf8))
        if ProcessInfo.processInfo.environment["CONTROLPLANE_TEST_HANG_STACKS"] == "1" {
            // gdb is waited for on a thread of its own, not on the pool the servers need.
            _ = try? await onOwnThread { PoolWatchdog.dumpStacks(name: "a CLI run's server", index: Int(pid)) }
        }
    }
}
