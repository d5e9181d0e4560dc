public import ControlPlane
public import Hummingbird
import Logging

/// After any request that may have changed data, and before its response leaves: ends this
/// replica's cached token-path rows and, with a ``ChangeFeed``, waits until every other live
/// replica has ended theirs (``ReplicaFence``), so the change is in force on the client's very
/// next request wherever it lands.
///
/// Token requests are not counted as changes: they write only status records, which nothing
/// cached depends on. Without a feed (a router built in tests) only the local rows end.
public struct ChangeFenceMiddleware<Context: RequestContext>: RouterMiddleware {
    let epoch: CacheEpoch
    let feed: ChangeFeed?
    /// Chains the audit events the request committed before it is answered; `nil` in routers
    /// built without services.
    let audit: AuditSequencer?

    public init(epoch: CacheEpoch, feed: ChangeFeed?, audit: AuditSequencer?) {
        self.epoch = epoch
        self.feed = feed
        self.audit = audit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard Self.mayChange(request) else { return try await next(request, context) }
        // Whatever the outcome: a handler can fail after its transaction committed.
        do {
            let response = try await next(request, context)
            await changed(context)
            return response
        } catch {
            await changed(context)
            throw error
        }
    }

    private func changed(_ context: Context) async {
        if let audit {
            do {
                try await audit.waitForChaining()
            } catch {
                // The change and its event are committed; the event waits in the inbox for the
                // next request, audit read or start-up to chain it.
                context.logger.error("audit events not chained yet", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        if let feed { await feed.changed() } else { epoch.invalidate() }
    }

    static func mayChange(_ request: Request) -> Bool {
        switch request.method {
        case .get, .head, .options: false
        case .post: !isTokenIssuance(request.uri.path)
        default: true
        }
    }

    /// Exactly `/oauth/token` or `/v1/orgs/{org}/os/{os}/tokens`, segment by segment: a suffix
    /// test would also exempt an organisation, OS or role named `tokens` from the fence.
    static func isTokenIssuance(_ path: String) -> Bool {
        if path == "/oauth/token" { return true }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count == 7 && segments[0].isEmpty && segments[1] == "v1" && segments[2] == "orgs" && segments[4] == "os"
            && segments[6] == "tokens" && !segments[3].isEmpty && !segments[5].isEmpty
    }
}
