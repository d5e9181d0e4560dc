@testable import ControlPlane
import Foundation

/// A Python virtual environment under `.build/`, created on first use with pip packages from
/// PyPI. A missing `python3` is a test failure naming what to install, never a skip.
enum PythonEnvironment {
    static let root = TestCluster.migrationsDirectory.deletingLastPathComponent().appendingPathComponent(".build/test-python")

    /// Serialises set-up: parameterised tests ask for it concurrently.
    private static let lock = NSLock()

    /// The venv's interpreter, after making sure `requirements` are installed (`marker`: modules to import).
    static func python(installing requirements: String..., marker: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let python = root.appendingPathComponent("bin/python").path
        if FileManager.default.isExecutableFile(atPath: python), try ProcessRunner.run(python, ["-m", "pip", "--version"]).status != 0 {
            try? FileManager.default.removeItem(at: root)  // a half-created venv from an interrupted run
        }
        if !FileManager.default.isExecutableFile(atPath: python) {
            let base = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"
            let created = try ProcessRunner.run(base, ["-m", "venv", root.path])
            guard created.status == 0 else {
                throw ProcessRunnerError(
                    message: "cannot create a Python venv with '\(base)' (install python3 and python3-venv, or set PYTHON): \(created.output)"
                )
            }
        }
        if try ProcessRunner.run(python, ["-c", "import \(marker)"]).status != 0 {
            let installed = try ProcessRunner.run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + requirements)
            guard installed.status == 0 else {
                throw ProcessRunnerError(message: "pip install \(requirements.joined(separator: " ")) failed: \(installed.output)")
            }
        }
        return python
    }
}
