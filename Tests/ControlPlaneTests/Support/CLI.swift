import Foundation
import Subprocess

/// Runs the built `controlplane` executable as a child process: logging is bootstrapped once per
/// process, so commands never run inside the test process.
enum CLI {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// More than any command of the suite prints; Subprocess fails the run rather than truncate.
    static let outputLimit = 64 << 20

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

    /// Runs any executable with exactly `environment` (plus PATH), without holding a thread while it runs.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], stdin: String? = nil) async throws
        -> Output
    {
        var env = environment
        env["PATH"] = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let configuration = Configuration(executable: .named(executable), arguments: Arguments(arguments), environment: .exactly(env))
        let result =
            if let stdin {
                try await Subprocess.run(
                    configuration,
                    input: .string(stdin),
                    output: .string(limit: outputLimit),
                    error: .string(limit: outputLimit)
                )
            } else {
                try await Subprocess.run(configuration, output: .string(limit: outputLimit), error: .string(limit: outputLimit))
            }
        return Output(status: result.terminationStatus.exitCode, stdout: result.standardOutput, stderr: result.standardError)
    }
}
