import AgentOSAuth
import HTTPTypes

/// What the gateway itself refuses or fails at, answered as Agno answers errors: a status and
/// `{"detail": …}` (``GatewayResponder`` maps it once).
enum GatewayError: Error, Equatable {
    /// The gate's refusal (401, 403, 400 for a path) or the path's.
    case refused(AgentOSAuthError)
    case bodyTooLarge(limit: Int)
    case badLength
    case bodyIncomplete
    case badTransferEncoding
    case duplicateHost
    case ambiguousAuthorization
    case upstreamUnreachable
    /// Every connection to the upstream stayed in use for the whole connect timeout.
    case upstreamBusy
    case upstreamTimeout
    case upstreamFailed

    var status: HTTPResponse.Status {
        switch self {
        case .refused(let error): HTTPResponse.Status(code: error.status)
        case .bodyTooLarge: .contentTooLarge
        case .badLength, .bodyIncomplete, .badTransferEncoding, .duplicateHost: .badRequest
        case .ambiguousAuthorization: .unauthorized
        case .upstreamUnreachable, .upstreamFailed: .badGateway
        case .upstreamBusy: .serviceUnavailable
        case .upstreamTimeout: .gatewayTimeout
        }
    }

    var detail: String {
        switch self {
        case .refused(let error): error.message
        case .bodyTooLarge(let limit): "Request body larger than the gateway accepts (\(limit) bytes, GATEWAY_MAX_BODY_BYTES)"
        case .badLength: "Content-Length is not a non-negative integer"
        case .bodyIncomplete: "The request body ended before its Content-Length"
        case .badTransferEncoding: "Transfer-Encoding must be chunked alone"
        case .duplicateHost: "More than one Host header"
        case .ambiguousAuthorization: "Ambiguous Authorization header"
        case .upstreamUnreachable: "The AgentOS behind the gateway cannot be reached"
        case .upstreamBusy:
            "Every connection to the AgentOS behind the gateway is in use (GATEWAY_UPSTREAM_CONNECTIONS); try again shortly"
        case .upstreamTimeout: "The AgentOS behind the gateway did not answer in time (GATEWAY_UPSTREAM_TIMEOUT)"
        case .upstreamFailed: "The AgentOS behind the gateway gave no answer the gateway can pass on"
        }
    }

    /// The metrics' outcome label: no path, id or subject.
    var outcome: String {
        switch self {
        case .refused(let error): error.status == 400 ? "invalid" : "refused"
        case .bodyTooLarge, .badLength, .bodyIncomplete, .badTransferEncoding, .duplicateHost, .ambiguousAuthorization: "invalid"
        case .upstreamUnreachable, .upstreamFailed: "upstream_error"
        case .upstreamBusy: "upstream_busy"
        case .upstreamTimeout: "upstream_timeout"
        }
    }
}
