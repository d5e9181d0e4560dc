import ControlPlane
import Foundation

/// What the sockets of a CLI run that has not finished after 10 s look like (`ss`): its own
/// connection and every socket on the port it connects to, with queue sizes and owners. Written
/// to a file named on stderr, to tell a server that never read the request from one that never
/// answered, or a connection that never got accepted.
enum HangReport {
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
        let path = NSTemporaryDirectory() + "cli-hang-\(pid).txt"
        try? report.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        FileHandle.standardError.write(Data("HangReport: \(what) still running after 10 s; sockets in \(path)\n".utf8))
    }
}
