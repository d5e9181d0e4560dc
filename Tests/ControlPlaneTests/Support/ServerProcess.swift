import Foundation

@testable import ControlPlane

/// A server child process (the built `demo-os`, or a Python AgentOS) that prints
/// "listening on http://host:port", started with only the environment given.
struct ServerProcess {
    let process: RunningProcess
    let baseURL: String

    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("demo-os").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent(".build/debug/demo-os").path
    }

    /// Starts it and waits (≤ 20 s) for "listening on http://…".
    static func start(environment: [String: String]) async throws -> ServerProcess {
        try await start(binary, ["--port", "0"], environment: environment)
    }

    /// Starts any server that prints "listening on http://host:port" (≤ `seconds`).
    static func start(_ executable: String, _ arguments: [String], environment: [String: String], seconds: Int = 20) async throws
        -> ServerProcess
    {
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        // Quiet unless a test asks for more: a failure still shows the output (see `stop`).
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "warning"
        let process = try ProcessRunner.start(executable, arguments, environment: env)
        for _ in 0..<(seconds * 10) {
            if let range = process.output.range(of: #"listening on (http://[0-9.]+:[0-9]+)"#, options: .regularExpression) {
                let url = String(process.output[range]).replacingOccurrences(of: "listening on ", with: "")
                return ServerProcess(process: process, baseURL: url)
            }
            if kill(process.pid, 0) != 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = process.output
        process.stop()
        throw ProcessRunnerError(message: "\(executable) did not start: \(output)")
    }

    /// One request over a real socket (see ``HTTP``); a transport failure throws.
    func send(_ method: String, _ path: String, token: String?, json: [String: Any]? = nil, form: String? = nil) async throws
        -> HTTP.Reply
    {
        try await HTTP.send(method, baseURL + path, bearer: token, json: json, form: form, timeout: 30)
    }

    func stop() { process.stop() }
}
