public import Foundation

/// Fetches one document for the verifier: a JWKS (`JWT_JWKS_URL`), a Status List Token or a
/// list's key set (`JWT_STATUS_LIST_ORIGIN`).
///
/// `AgentOSAuth` does no I/O of its own: the OS passes a fetcher to ``AuthGate``.
/// `AgentOSAuthHTTPClient` has one over AsyncHTTPClient that keeps every rule of
/// ``DocumentRequest``. Throw, or return a status the document's use does not accept, for a
/// failed fetch: the verifier then keeps its last good copy for as long as its staleness limit
/// allows.
public typealias DocumentFetcher = @Sendable (DocumentRequest) async throws -> FetchedDocument

/// What to fetch, and the rules a fetcher must keep.
///
/// * Only a URL ``isAllowedURL(_:)`` accepts is fetched (`https`, or `http` to a loopback host).
/// * No redirect is followed: a 3xx is a failed fetch (a redirect could lead anywhere, plain
///   http included).
/// * Reading stops past ``maximumBytes``: a failed fetch.
/// * Nothing is cached on the way (no HTTP cache, no cookies); the verifier caches.
/// * A fetch ends in bounded time, answered or not (`AgentOSAuthHTTPClient`: 10 s).
public struct DocumentRequest: Sendable, Hashable {
    /// Where the document is.
    public var url: URL
    /// The `Accept` header.
    public var accept: String
    /// The largest body accepted, in bytes.
    public var maximumBytes: Int
    /// The setting the URL derives from (`JWT_JWKS_URL`), for messages.
    public var setting: String
    /// What the document is ("the JWKS"), for messages.
    public var name: String
    /// The OS the verifier guards (`AGENT_OS_ID`), sent as the ``osIDHeader`` header with a JWKS
    /// fetch, so the control plane can show which keys this OS holds before a key is activated
    /// (docs/keys.md). `nil`: no header.
    public var osID: String?

    /// The header that carries ``osID``.
    public static let osIDHeader = "AgentOS-Id"

    /// A request.
    public init(url: URL, accept: String, maximumBytes: Int, setting: String, name: String, osID: String? = nil) {
        self.url = url
        self.accept = accept
        self.maximumBytes = maximumBytes
        self.setting = setting
        self.name = name
        self.osID = osID
    }

    /// Whether `url` may be fetched: `https`, or `http` to a loopback host (`localhost`,
    /// `127.0.0.0/8`, `::1`). Over plain http to any other host, whoever sits on the path could
    /// serve their own keys or lists.
    public static func isAllowedURL(_ url: URL) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return url.host?.isEmpty == false
        case "http": return url.host.map(isLoopback) ?? false
        default: return false
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
