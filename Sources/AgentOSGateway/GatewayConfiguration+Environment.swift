import AgentOSAuth
import AgentOSAuthHummingbird
import Foundation

extension GatewayConfiguration {
    /// Reads the configuration from environment variables (docs/gateway.md): the verifier's,
    /// `AGENTOS_UPSTREAM_URL`, the `GATEWAY_*` settings and `CORS_ORIGIN_LIST`.
    ///
    /// - Throws: ``AgentOSAuth/AgentOSAuthError`` (invalid configuration) naming the variable.
    public init(environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { return nil }
            return raw
        }
        func invalid(_ message: String) -> AgentOSAuthError { AgentOSAuthError(.invalidConfiguration, message) }
        func number(_ name: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let raw = value(name) else { return nil }
            guard let number = Double(raw), range.contains(number) else {
                throw invalid("\(name) must be a number from \(range.lowerBound) to \(range.upperBound): \(raw)")
            }
            return number
        }
        guard let raw = value("AGENTOS_UPSTREAM_URL") else {
            throw invalid("AGENTOS_UPSTREAM_URL is not set: name the AgentOS to protect, e.g. http://127.0.0.1:7777")
        }
        guard let upstream = Self.upstreamURL(raw) else {
            throw invalid("AGENTOS_UPSTREAM_URL must be http(s)://host[:port], with no path, query or credentials: \(raw)")
        }
        self.init(upstream: upstream, auth: try AgentOSAuthConfiguration(environment: environment))
        host = value("GATEWAY_HOST") ?? host
        port = try number("GATEWAY_PORT", 0...65535).map { Int($0) } ?? port
        metricsHost = value("GATEWAY_METRICS_HOST") ?? metricsHost
        if value("GATEWAY_METRICS_PORT")?.lowercased() == "off" {
            metricsPort = nil
        } else {
            metricsPort = try number("GATEWAY_METRICS_PORT", 0...65535).map { Int($0) } ?? metricsPort
        }
        maxBodyBytes = try number("GATEWAY_MAX_BODY_BYTES", 0...Double(1 << 40)).map { Int($0) } ?? maxBodyBytes
        connectTimeout = try number("GATEWAY_CONNECT_TIMEOUT", 0.1...600) ?? connectTimeout
        upstreamTimeout = try number("GATEWAY_UPSTREAM_TIMEOUT", 0.1...86_400) ?? upstreamTimeout
        clientTimeout = try number("GATEWAY_CLIENT_TIMEOUT", 0.1...3_600) ?? clientTimeout
        upstreamConnections = try number("GATEWAY_UPSTREAM_CONNECTIONS", 1...65_536).map { Int($0) } ?? upstreamConnections
        switch value("GATEWAY_TRUST_FORWARDED")?.lowercased() {
        case nil, "0", "false", "no", "off": trustForwarded = false
        case "1", "true", "yes", "on": trustForwarded = true
        default: throw invalid("GATEWAY_TRUST_FORWARDED must be true or false")
        }
        corsOrigins = CORSOrigins(parsing: value("CORS_ORIGIN_LIST")).origins
        try allow(value("GATEWAY_ALLOW_ROUTES").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? [])
    }
}
