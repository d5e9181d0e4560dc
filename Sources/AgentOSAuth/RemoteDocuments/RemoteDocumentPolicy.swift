public import Foundation

/// How a remote document is cached: how often it may be fetched, how long it is fresh when it
/// does not say, and how long after the last successful fetch it is still used.
///
/// ``RemoteJWKS`` uses one for its JWKS (``jwks``), ``StatusListChecker`` one for every status
/// list (``statusLists``); ``AgentOSAuthConfiguration`` reads both from the environment.
public struct RemoteDocumentPolicy: Sendable, Equatable {
    /// Minimum seconds between two fetches of one document (a forced refresh at start-up excepted).
    public var refetchInterval: TimeInterval
    /// Seconds a document is fresh when it carries no lifetime of its own (a JWKS without a
    /// usable `max-age`, a status list without `ttl`).
    public var defaultLifetime: TimeInterval
    /// Seconds after the last successful fetch during which the document is still used; past
    /// them it is refused (fail closed). Every lifetime is capped at half of it, so one failed
    /// refetch never reaches the limit.
    public var maxStaleness: TimeInterval

    /// A policy.
    public init(refetchInterval: TimeInterval, defaultLifetime: TimeInterval, maxStaleness: TimeInterval) {
        self.refetchInterval = refetchInterval
        self.defaultLifetime = defaultLifetime
        self.maxStaleness = maxStaleness
    }

    /// A JWKS: refetched at most every 30 s, fresh for 300 s without `max-age`, used for an hour
    /// after the last successful fetch (`JWT_JWKS_REFETCH_INTERVAL`, `JWT_JWKS_MAX_STALENESS`).
    public static let jwks = RemoteDocumentPolicy(refetchInterval: 30, defaultLifetime: 300, maxStaleness: 3600)

    /// A status list: refetched at most every 10 s, fresh for 60 s without `ttl`, used for 600 s
    /// after the last successful fetch (`JWT_STATUS_LIST_REFETCH_INTERVAL`,
    /// `JWT_STATUS_LIST_MAX_STALENESS`; keep it under the control plane's one-hour index-reuse
    /// margin).
    public static let statusLists = RemoteDocumentPolicy(refetchInterval: 10, defaultLifetime: 60, maxStaleness: 600)
}
