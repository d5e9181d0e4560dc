import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a child process to completion with `posix_spawn` + `waitpid`.
///
/// Foundation's `Process.waitUntilExit()` was seen to hang from async code on these machines
/// (see toolchain notes), so the launcher uses this instead. Output goes to a temporary file
/// and is returned so failures can be reported.
public enum ProcessRunner {
    /// The outcome of a finished child process.
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs `executable` with `arguments`, waiting for it to exit.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let process = try start(executable, arguments, environment: environment)
        defer { process.removeOutput() }
        let exitCode = try process.wait()
        return Result(status: exitCode, output: process.output)
    }

    /// Starts `executable` in the background; its stdout and stderr go to ``RunningProcess/outputPath``
    /// (stderr to ``RunningProcess/errorPath`` instead with `separateErrors`). Stdin is `inputPath`, else /dev/null.
    public static func start(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        inputPath: String? = nil,
        separateErrors: Bool = false
    ) throws -> RunningProcess {
        let outPath = NSTemporaryDirectory() + "cp-proc-\(UUID().uuidString).log"
        let errPath = separateErrors ? outPath + ".err" : nil
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 0, inputPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let errPath {
            posix_spawn_file_actions_addopen(&fileActions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        }
        // Nothing else of ours: without this the child (pg_ctl, and the postmaster it leaves
        // running) inherits every descriptor opened without O_CLOEXEC, sockets included, and
        // keeps a closed listener's port or a finished connection alive after we let go of it.
        // glibc ≥ 2.34 has it, but Swift's Glibc module does not declare it: looked up by name.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&fileActions, 3)
        }

        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
        defer { env.forEach { free($0) } }

        var pid: pid_t = 0
        let spawnResult = (argv + [nil]).withUnsafeBufferPointer { argvBuffer in
            (env + [nil]).withUnsafeBufferPointer { envBuffer in
                posix_spawnp(
                    &pid,
                    executable,
                    &fileActions,
                    nil,
                    UnsafeMutablePointer(mutating: argvBuffer.baseAddress!),
                    UnsafeMutablePointer(mutating: envBuffer.baseAddress!)
                )
            }
        }
        guard spawnResult == 0 else {
            unlink(outPath)
            throw ProcessRunnerError(message: "cannot start \(executable): \(String(cString: strerror(spawnResult)))")
        }
        return RunningProcess(pid: pid, executable: executable, outputPath: outPath, errorPath: errPath)
    }
}

/// A child started by ``ProcessRunner/start(_:_:environment:)``.
public struct RunningProcess: Sendable {
    public let pid: Int32
    public let executable: String
    /// Where stdout (and stderr, unless separated) go.
    public let outputPath: String
    /// Where stderr goes when it was separated.
    public let errorPath: String?

    /// Everything the process has written so far.
    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Everything written to a separated stderr so far.
    public var errorOutput: String { errorPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }

    /// Removes the output files.
    public func removeOutput() {
        unlink(outputPath)
        if let errorPath { unlink(errorPath) }
    }

    /// Waits for exit and returns the exit code (128 + signal when killed).
    public func wait() throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { throw ProcessRunnerError(message: "waitpid failed for \(executable)") }
        }
        return Self.exitCode(status)
    }

    /// Waits for exit without blocking a thread (polls every 50 ms); returns the exit code.
    public func exitCode() async throws -> Int32 {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return Self.exitCode(status) }
            if result == -1 && errno != EINTR { throw ProcessRunnerError(message: "waitpid failed for \(executable)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The exit code of a `waitpid` status (128 + signal when killed). WIFEXITED / WEXITSTATUS
    /// are macros Swift cannot import, so decode by hand.
    static func exitCode(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Sends SIGTERM, waits up to `grace` seconds (then SIGKILL), and removes the output file.
    /// A server draining keep-alive connections must not hang its caller.
    ///
    /// Only the first half second is waited for here: callers run on Swift's cooperative pool
    /// (two threads on a 2-core machine), and holding one for a whole grace period stalls every
    /// other task of the process. A child still running then is reaped by a thread of its own.
    public func stop(grace: Double = 5) {
        kill(pid, SIGTERM)
        let here = min(grace, 0.5)
        if reaped(within: here) {
            removeOutput()
            return
        }
        Thread.detachNewThread { [self] in
            if !reaped(within: grace - here) {
                kill(pid, SIGKILL)
                _ = try? wait()
            }
            removeOutput()
        }
    }

    /// Polls for exit for up to `seconds`; true once the child is reaped.
    private func reaped(within seconds: Double) -> Bool {
        var status: Int32 = 0
        var waited = 0.0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if waited >= seconds { return false }
            usleep(20_000)
            waited += 0.02
        }
        return true
    }
}

/// A child process could not be started or waited for.
public struct ProcessRunnerError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
