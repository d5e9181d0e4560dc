import HTTPTypes
public import Hummingbird

/// Answers 503 + `Retry-After` when a request runs past its deadline instead of letting it hang.
///
/// While PostgreSQL restarts or fails over, postgres-nio keeps a request waiting for a connection
/// until one can be made again, for as long as the outage lasts; clients (and a proxy's retry)
/// are better served by a prompt, retryable answer (`docs/operations.md`, faults).
public struct RequestDeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    public let timeout: Duration

    public init(timeout: Duration) { self.timeout = timeout }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            // The child task calling `next` is awaited (or cancelled and awaited) before this scope
            // ends, and nothing else calls it, so handing the closure to it is safe.
            nonisolated(unsafe) let next = next
            return try await withThrowingTaskGroup(of: Response.self) { group in
                group.addTask { try await next(request, context) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw APIError.unavailable("the request did not finish within \(timeout); the database may be unavailable")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        }
    }
}
