public import Logging

extension EmbeddedPostgres {
    /// ``start(logger:)`` from async code, on a thread of its own (``onOwnThread(_:)``).
    ///
    /// `initdb` and `pg_ctl` take seconds, and the launcher waits for them with `waitpid`; done on
    /// a thread of Swift's cooperative pool (two threads on a 2-core machine) that stalls every
    /// other task meanwhile: request deadlines and client timeouts fire late, as seen in the
    /// test suite, where several clusters start at once.
    public func start(logger: Logger) async throws {
        try await onOwnThread { try self.start(logger: logger) }
    }

    /// ``stop()`` from async code, on a thread of its own (see ``start(logger:)-async``).
    public func stop() async throws {
        try await onOwnThread { try self.stop() }
    }
}
