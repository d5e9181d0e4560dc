public import AgentOSAuth
public import Foundation

/// How the gateway listens, where it forwards, and the verifier it decides with.
///
/// Read it from the environment with ``init(environment:)``: the verifier's variables
/// (``AgentOSAuth/AgentOSAuthConfiguration/init(environment:)``) plus the `GATEWAY_*` ones and
/// `AGENTOS_UPSTREAM_URL` (docs/gateway.md).
public struct GatewayConfiguration: Sendable {
    /// The AgentOS requests go to: `http(s)://host[:port]`, no path.
    public var upstream: URL
    /// Address and port of the proxied listener (`GATEWAY_HOST`, `GATEWAY_PORT`).
    public var host: String
    /// See ``host``; 0 picks a free port.
    public var port: Int
    /// Address and port of the `/metrics` listener (`GATEWAY_METRICS_HOST`,
    /// `GATEWAY_METRICS_PORT`); `nil` port: no metrics listener.
    public var metricsHost: String
    /// See ``metricsHost``.
    public var metricsPort: Int?
    /// The largest request body forwarded (`GATEWAY_MAX_BODY_BYTES`, default 32 MiB).
    public var maxBodyBytes: Int
    /// Seconds to connect to the upstream (`GATEWAY_CONNECT_TIMEOUT`, default 5): past it, 502.
    public var connectTimeout: TimeInterval
    /// Seconds the upstream may take to answer, and to stay silent within a streamed answer
    /// (`GATEWAY_UPSTREAM_TIMEOUT`, default 300: agent runs are long): past it, 504.
    public var upstreamTimeout: TimeInterval
    /// Seconds a client may stay silent (`GATEWAY_CLIENT_TIMEOUT`, default 30): to send a
    /// request's head on a new or kept-alive connection, and between parts of its body. Past it
    /// the connection is closed (slow-header attacks); a client waiting for a long answer is
    /// never cut by it.
    public var clientTimeout: TimeInterval
    /// Connections kept to the upstream (`GATEWAY_UPSTREAM_CONNECTIONS`, default 256): one per
    /// request in flight, so this bounds the requests the upstream sees at once.
    public var upstreamConnections: Int
    /// Keep the `X-Forwarded-*` headers a proxy in front of the gateway set, and append to them
    /// (`GATEWAY_TRUST_FORWARDED`, default false: the gateway's own view replaces them).
    public var trustForwarded: Bool
    /// Origins whose pages may read the gateway's own refusals (`CORS_ORIGIN_LIST`, as Agno's).
    public var corsOrigins: Set<String>
    /// The verifier; ``GatewayConfiguration/init(environment:)`` adds `GATEWAY_ALLOW_ROUTES` to
    /// its route table as routes any authenticated caller may reach, and every initialiser opens
    /// ``mcpServerCard`` as Agno does.
    public var auth: AgentOSAuthConfiguration

    /// A configuration with the defaults above.
    public init(upstream: URL, auth: AgentOSAuthConfiguration) {
        self.upstream = upstream
        self.host = "127.0.0.1"
        self.port = 7780
        self.metricsHost = "127.0.0.1"
        self.metricsPort = 9477
        self.maxBodyBytes = 32 * 1024 * 1024
        self.connectTimeout = 5
        self.upstreamTimeout = 300
        self.clientTimeout = 30
        self.upstreamConnections = 256
        self.trustForwarded = false
        self.corsOrigins = []
        self.auth = auth
        // Agno opens its MCP server card whenever it serves MCP (discovery before authentication,
        // no secrets); when it does not, its own gate answers the forwarded request 401 anyway.
        if !auth.excludedPaths.contains(Self.mcpServerCard) { self.auth.excludedPaths.append(Self.mcpServerCard) }
    }

    /// Agno's MCP server card (`agno.os.config.MCP_SERVER_CARD_PATH`), open without a token.
    public static let mcpServerCard = "/mcp/server-card"

    /// Opens `routes` (`"METHOD /pattern"`, `*` wildcards as in Agno's table) to any
    /// authenticated caller; the table's own entries keep their scopes.
    ///
    /// - Throws: ``AgentOSAuth/AgentOSAuthError/Code/invalidConfiguration`` for an entry that is
    ///   not a method and a path.
    public mutating func allow(_ routes: [String]) throws(AgentOSAuthError) {
        for entry in routes {
            let parts = entry.split(separator: " ", omittingEmptySubsequences: true)
            let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
            guard parts.count == 2, methods.contains(parts[0].uppercased()), parts[1].hasPrefix("/") else {
                throw AgentOSAuthError(
                    .invalidConfiguration,
                    "GATEWAY_ALLOW_ROUTES: '\(entry)' is not 'METHOD /path' (e.g. 'POST /mcp'; entries separated by commas)"
                )
            }
            // Opening a route Agno's table maps would drop its scopes (an exact entry is looked up
            // before the table's patterns): only unmapped routes can be opened.
            if let mapped = auth.routes.rule(method: String(parts[0]).uppercased(), path: String(parts[1])) {
                throw AgentOSAuthError(
                    .invalidConfiguration,
                    "GATEWAY_ALLOW_ROUTES: '\(entry)' is mapped by Agno's table (\(mapped.method) \(mapped.path.pattern)) "
                        + "and keeps its scopes; only unmapped routes can be opened"
                )
            }
            auth.routes.append(RouteRule(String(parts[0]), String(parts[1]), []))
        }
    }

    /// `text` as an upstream origin: `http` or `https`, a host, an optional port, nothing else.
    static func upstreamURL(_ text: String) -> URL? {
        var trimmed = text
        if trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false, url.path.isEmpty, url.query == nil, url.fragment == nil, url.user == nil,
            url.password == nil
        else { return nil }
        return url
    }
}
