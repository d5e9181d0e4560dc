import Foundation

/// A server child process (the built `demo-os`, `controlplane serve`, or a Python AgentOS) that
/// prints "listening on http://host:port", run with only the environment given for as long as a
/// closure runs (``ChildProcess``).
struct ServerProcess: Sendable {
    let child: ChildProcess
    let baseURL: String

    /// Everything it has written so far: for failure messages.
    var output: String { child.output }

    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("demo-os").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent(".build/debug/demo-os").path
    }

    /// `demo-os` on a free port, once it listens (≤ 20 s), while `body` runs.
    static func withServer<T: Sendable>(environment: [String: String], _ body: (ServerProcess) async throws -> T) async throws -> T {
        try await withServer(binary, ["--port", "0"], environment: environment, body)
    }

    /// Any server that prints "listening on http://host:port", once it has (≤ `seconds`), while `body` runs.
    static func withServer<T: Sendable>(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        seconds: Int = 20,
        _ body: (ServerProcess) async throws -> T
    ) async throws -> T {
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        // Quiet unless a test asks for more: a failure still shows the output.
        env["LOG_LEVEL"] = env["LOG_LEVEL"] ?? "warning"
        return try await ChildProcess.run(executable, arguments, environment: env) { child in
            for _ in 0..<(seconds * 10) {
                let output = child.output
                if let range = output.range(of: #"listening on (http://[0-9.]+:[0-9]+)"#, options: .regularExpression) {
                    let url = String(output[range]).replacingOccurrences(of: "listening on ", with: "")
                    return try await body(ServerProcess(child: child, baseURL: url))
                }
                if child.hasExited { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw ChildProcess.Failure(message: "\(executable) did not start: \(child.output)")
        }
    }

    /// One request over a real socket (see ``HTTP``); a transport failure throws.
    func send(_ method: String, _ path: String, token: String?, json: [String: Any]? = nil, form: String? = nil) async throws
        -> HTTP.Reply
    {
        try await HTTP.send(method, baseURL + path, bearer: token, json: json, form: form, timeout: 30)
    }
}
