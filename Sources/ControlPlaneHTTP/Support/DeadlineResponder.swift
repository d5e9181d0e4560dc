import ControlPlane
public import Hummingbird

/// Answers 503 + `Retry-After` when a request runs past its deadline instead of letting it hang.
///
/// While PostgreSQL restarts or fails over, postgres-nio keeps a request waiting for a connection
/// for as long as the outage lasts; clients (and a proxy's retry) are better served by a prompt,
/// retryable answer (`docs/operations.md`, faults). It wraps the whole responder rather than
/// being a middleware so the request runs in a child task it can cancel.
public struct DeadlineResponder<Base: HTTPResponder>: HTTPResponder where Base.Context: RequestContext {
    public typealias Context = Base.Context

    let base: Base
    let timeout: Duration

    public init(_ base: Base, timeout: Duration) {
        self.base = base
        self.timeout = timeout
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        // `withDeadline`, not a task group: a request stranded by a closed database connection
        // never finishes, and a group would wait for it after cancelling it.
        if let response = try await withDeadline(timeout, { try await base.respond(to: request, context: context) }) {
            return response
        }
        // Past the deadline: answered here, since this sits outside the router's middleware, so
        // the headers every answer carries are added here too.
        var response = try APIError.unavailable("the request did not finish within \(timeout); the database may be unavailable")
            .response(from: request, context: context)
        SecurityHeadersMiddleware<Context>.add(to: &response.headers, policy: SecurityHeadersMiddleware<Context>.apiPolicy)
        SecurityHeadersMiddleware<Context>.forbidCaching(&response.headers)
        return response
    }
}
