public import AgentOSAuth
public import Hummingbird

/// A request context that carries the ``AgentOSAuth/Principal`` established by ``AgentOSAuthMiddleware``.
public protocol AgentOSAuthRequestContext: RequestContext {
    /// The authenticated caller; `nil` on excluded paths.
    var principal: Principal? { get set }
}

/// A ready-made context for an OS: Hummingbird's basics plus the principal.
public struct AgentOSRequestContext: AgentOSAuthRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.principal = nil
    }
}

extension AgentOSAuthRequestContext {
    /// The handler-side per-resource check (e.g. `agents`, `web-agent`, `run`).
    ///
    /// Fails closed: with no principal (an excluded path, or a route the middleware does not
    /// cover) the check is refused like a missing grant.
    ///
    /// - Throws: ``AuthDetailError`` 403 `Access denied to run this agent` when the caller lacks it.
    public func requireAccess(_ resource: String, id: String, action: String) throws {
        guard let principal else {
            throw AuthDetailError(AgentOSAuthError(.accessDenied, Principal.accessDeniedDetail(resource, action: action)))
        }
        do {
            try principal.require(resource, id: id, action: action)
        } catch {
            throw AuthDetailError(error)
        }
    }

    /// Ids of `resource` the caller may `action`, for filtering lists; none without a principal.
    public func accessibleIDs(_ resource: String, action: String) -> AccessibleIDs {
        principal?.accessibleIDs(resource, action: action) ?? .some([])
    }

    /// Filters `items` to those the caller may read; throws Agno's 403 when none is accessible
    /// (always, without a principal).
    public func filterReadable<T>(_ resource: String, _ items: [T], id: (T) -> String) throws -> [T] {
        let ids = accessibleIDs(resource, action: "read")
        if ids.isEmpty { throw AuthDetailError(AuthGate.insufficient(["\(resource):read"])) }
        return ids.filter(items, id: id)
    }
}
