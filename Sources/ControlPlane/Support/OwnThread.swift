import Foundation

/// Runs blocking work (a child process waited for with `waitpid`) on a thread of its own and
/// resumes the caller when it is done.
///
/// Neither Swift's cooperative pool nor NIO's blocking pool may hold it: both have one thread per
/// core (two here), the first runs every task of the process, and the second computes bcrypt for
/// sign-ins, which then waited seconds behind `initdb` in the test suite (`docs/testing.md`,
/// "Concurrency"). Starting a thread costs microseconds; the work it carries takes seconds.
public func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
