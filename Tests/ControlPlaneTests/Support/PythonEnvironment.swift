import Foundation
import Subprocess

/// A Python virtual environment under `.build/`, created on first use with pip packages from
/// PyPI. A missing `python3` is a test failure naming what to install, never a skip.
///
/// Set-up never blocks a thread: a first pip install takes a minute, and blocking the (two-thread)
/// cooperative pool for that long starves every other test's timers.
enum PythonEnvironment {
    /// A finished child: its exit code and its stdout and stderr, interleaved as written.
    struct CombinedOutput: Sendable {
        var status: Int32
        var output: String
    }

    static let root = TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent(".build/test-python")

    /// Runs set-up jobs one after another (pip must not run twice at once on one venv).
    private actor Queue {
        private var tail: Task<Void, Never> = Task {}

        func run(_ work: @escaping @Sendable () async throws -> String) async throws -> String {
            let previous = tail
            let job = Task {
                await previous.value
                return try await work()
            }
            tail = Task { _ = try? await job.value }
            return try await job.value
        }
    }

    private static let queue = Queue()

    /// The venv's interpreter, after making sure `requirements` are installed (`marker`: modules to import).
    static func python(installing requirements: String..., marker: String) async throws -> String {
        try await queue.run {
            let python = root.appendingPathComponent("bin/python").path
            if FileManager.default.isExecutableFile(atPath: python), try await run(python, ["-m", "pip", "--version"]).status != 0 {
                try? FileManager.default.removeItem(at: root)  // a half-created venv from an interrupted run
            }
            if !FileManager.default.isExecutableFile(atPath: python) {
                let base = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
                let created = try await run(base, ["-m", "venv", root.path])
                guard created.status == 0 else {
                    throw ChildProcess.Failure(
                        message:
                            "cannot create a Python venv with '\(base)' (install python3 and python3-venv, or set PYTHON): \(created.output)"
                    )
                }
            }
            if try await run(python, ["-c", "import \(marker)"]).status != 0 {
                let installed = try await run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + requirements)
                guard installed.status == 0 else {
                    throw ChildProcess.Failure(message: "pip install \(requirements.joined(separator: " ")) failed: \(installed.output)")
                }
            }
            return python
        }
    }

    /// Runs a child (in this process's environment) to completion without blocking a thread.
    static func run(_ executable: String, _ arguments: [String]) async throws -> CombinedOutput {
        let result = try await Subprocess.run(
            .named(executable),
            arguments: Arguments(arguments),
            output: .string(limit: CLI.outputLimit),
            error: .combinedWithOutput
        )
        return CombinedOutput(status: result.terminationStatus.exitCode, output: result.standardOutput)
    }
}
