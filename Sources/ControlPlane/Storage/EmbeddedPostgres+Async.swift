public import Logging
import NIOPosix

extension EmbeddedPostgres {
    /// ``start(logger:)`` from async code, run on NIO's pool for blocking work.
    ///
    /// `initdb` and `pg_ctl` take seconds, and the launcher waits for them with `waitpid`; done on
    /// a thread of Swift's cooperative pool (two threads on a 2-core machine) that stalls every
    /// other task meanwhile: request deadlines and client timeouts fire late, as seen in the
    /// test suite, where several clusters start at once.
    public func start(logger: Logger) async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.start(logger: logger) }
    }

    /// ``stop()`` from async code, run on NIO's pool for blocking work (see ``start(logger:)-async``).
    public func stop() async throws {
        try await NIOThreadPool.singleton.runIfActive { try self.stop() }
    }
}
