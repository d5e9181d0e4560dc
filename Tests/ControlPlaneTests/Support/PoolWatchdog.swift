import ControlPlane
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Watches, from a thread of its own, whether Swift's cooperative pool and NIO's event loops
/// still run work; when either has not run a job for `stall` seconds it writes every thread's
/// stack (gdb) to a file and says where on stderr.
///
/// An in-process server whose requests get no answer at all (not even the deadline's 503) means
/// nothing in the process could run: something blocked the pool's two threads. The stacks name it.
enum PoolWatchdog {
    static let started: Void = {
        guard ProcessInfo.processInfo.environment["CONTROLPLANE_TEST_WATCHDOG"] != "0" else { return }
        Thread.detachNewThread { watch() }
    }()

    private static let stall = 4.0

    private static func watch() {
        var dumps = 0
        while true {
            usleep(250_000)
            for (name, schedule) in probes {
                let ran = Flag()
                let sent = Date()
                schedule { ran.set() }
                var dumped = false
                while !ran.isSet {
                    usleep(20_000)
                    if !dumped, Date().timeIntervalSince(sent) > stall, dumps < 3 {
                        dumped = true
                        dumps += 1
                        dumpStacks(name: name, index: dumps)
                    }
                }
                let lag = Date().timeIntervalSince(sent)
                if lag > 1 { say("\(name) ran a job \(String(format: "%.1f", lag)) s late") }
            }
        }
    }

    private static let probes: [(String, @Sendable (@escaping @Sendable () -> Void) -> Void)] = [
        ("the cooperative pool", { job in Task { job() } }),
        ("the NIO event loop group", { job in MultiThreadedEventLoopGroup.singleton.any().execute { job() } }),
        ("NIO's blocking pool", { job in NIOThreadPool.singleton.submit { _ in job() } }),
    ]

    static func dumpStacks(name: String, index: Int) {
        let path = NSTemporaryDirectory() + "pool-stall-\(getpid())-\(index).txt"
        say("\(name) has run nothing for \(stall) s; stacks in \(path)")
        let gdb = ["/usr/bin/gdb", "-p", "\(getpid())", "-batch", "-ex", "thread apply all bt 40"]
        guard let process = try? ProcessRunner.start(gdb[0], Array(gdb.dropFirst())) else { return }
        _ = try? process.wait()
        try? FileManager.default.copyItem(atPath: process.outputPath, toPath: path)
        process.removeOutput()
    }

    private static func say(_ line: String) {
        FileHandle.standardError.write(Data("PoolWatchdog: \(line)\n".utf8))
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }
}
