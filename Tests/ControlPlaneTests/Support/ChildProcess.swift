import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// A child process that runs for as long as a closure does (a server, nginx): started with only
/// the environment given and no descriptor of ours but the standard three, in a process group of
/// its own. Its stdout and stderr go to a file, readable at any time for failure messages.
///
/// When the closure returns the group gets SIGTERM, and SIGKILL after `grace`; when it throws (or
/// the test is cancelled) Subprocess runs the same sequence. Either way it is awaited, never a
/// thread blocked on `waitpid`.
struct ChildProcess: Sendable {
    /// A child could not be started, or a tool it needs is missing.
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    typealias Running = Execution<NoInput, FileDescriptorOutput, CombinedErrorOutput>

    private let execution: Running
    private let outputPath: String

    var pid: pid_t { execution.processIdentifier.value }

    /// Everything it has written so far (stdout and stderr, interleaved).
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Whether it has exited (it stays a zombie until the closure ends and Subprocess reaps it).
    var hasExited: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let state = stat.split(separator: ")").last?.dropFirst().first
        else { return true }
        return state == "Z" || state == "X"
    }

    /// SIGKILL to the group, as a crash or an OOM kill would; returns once it has exited.
    func kill() async {
        await execution.teardown(using: [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(5))])
    }

    /// Runs `executable` while `body` runs; see the type's notes for how it ends.
    static func run<T: Sendable>(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        grace: Duration = .seconds(10),
        _ body: (ChildProcess) async throws -> T
    ) async throws -> T {
        let outputPath = NSTemporaryDirectory() + "cp-child-\(UUID().uuidString).log"
        let descriptor = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(message: "cannot create \(outputPath): \(String(cString: strerror(errno)))") }
        defer { unlink(outputPath) }
        let teardown: [TeardownStep] = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: grace)]
        var options = PlatformOptions()
        // Its own group, so a shell's children (the README's `python …`) stop with it.
        options.processGroupID = 0
        options.teardownSequence = teardown
        let result = try await Subprocess.run(
            .named(executable),
            arguments: Arguments(arguments),
            environment: .exactly(environment),
            platformOptions: options,
            input: .none,
            output: .fileDescriptor(FileDescriptor(rawValue: descriptor), closeAfterSpawningProcess: true),
            error: .combinedWithOutput
        ) { execution in
            let value = try await body(ChildProcess(execution: execution, outputPath: outputPath))
            await execution.teardown(using: teardown)
            return value
        }
        return result.closureResult
    }
}
