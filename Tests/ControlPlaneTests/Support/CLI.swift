import Foundation

@testable import ControlPlane

/// Runs the built `controlplane` executable as a child process: logging is bootstrapped once per
/// process, so commands never run inside the test process.
enum CLI {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable `swift test` built beside the test bundle.
    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("controlplane").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent(".build/debug/controlplane").path
    }

    /// Runs `controlplane <arguments>` with exactly `environment` (plus PATH), feeding `stdin`.
    static func run(_ arguments: [String], environment: [String: String], stdin: String? = nil) async throws -> Output {
        try await run(binary, arguments, environment: environment, stdin: stdin)
    }

    /// Runs any executable, without blocking a thread while it runs.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil) async throws
        -> Output
    {
        var env = environment
        env["PATH"] = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        var inputPath: String?
        if let stdin {
            let path = NSTemporaryDirectory() + "cp-stdin-\(UUID().uuidString)"
            _ = FileManager.default.createFile(atPath: path, contents: Data(stdin.utf8), attributes: [.posixPermissions: 0o600])
            inputPath = path
        }
        defer { if let inputPath { unlink(inputPath) } }
        let process = try ProcessRunner.start(executable, arguments, environment: env, inputPath: inputPath, separateErrors: true)
        defer { process.removeOutput() }
        let status = try await process.exitCode()
        return Output(status: status, stdout: process.output, stderr: process.errorOutput)
    }
}
