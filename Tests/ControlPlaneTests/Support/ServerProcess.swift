import Foundation

@testable import ControlPlane

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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

    struct Reply {
        var status: Int
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var list: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One request over a real socket.
    func send(_ method: String, _ path: String, token: String?, json: [String: Any]? = nil, form: String? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
    }

    func stop() { process.stop() }
}
