public import AgentOSAuth
import HTTPTypes
public import Hummingbird
import Logging

/// Runs the ``AgentOSAuth/AuthGate`` on every request: excluded paths pass, refusals are answered
/// with Agno's status and `{"detail": ...}`, and allowed requests carry the principal in the context.
///
/// The gate is given `request.uri.path` as the router sees it and decides on its canonical form
/// (``AgentOSAuth/RequestPath``), which is how Hummingbird's trie router splits paths by
/// default. Keep the router case-sensitive (no `.caseInsensitive` option): otherwise `/SESSIONS`
/// would be dispatched to `/sessions` while the gate sees an unmapped route.
public struct AgentOSAuthMiddleware<Context: AgentOSAuthRequestContext>: RouterMiddleware {
    /// The gate deciding each request.
    public let gate: AuthGate

    /// A middleware around `gate`.
    public init(gate: AuthGate) {
        self.gate = gate
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let decision = await gate.decide(
            method: request.method.rawValue,
            path: request.uri.path,
            authorization: request.headers[.authorization]
        )
        switch decision {
        case .excluded:
            return try await next(request, context)
        case .allowed(let principal):
            var context = context
            context.principal = principal
            // swift-log's StreamLogHandler renders its metadata on every change, 4 % of an authorised
            // request (docs/performance.md); per-request lines are debug lines, so only then.
            if let subject = principal.subject, context.logger.logLevel <= .debug {
                context.logger[metadataKey: "auth.sub"] = .string(subject)
            }
            return try await next(request, context)
        case .denied(let error):
            context.logger.debug("request refused", metadata: ["auth.code": "\(error.code)", "auth.status": "\(error.status)"])
            throw AuthDetailError(error)
        }
    }
}
