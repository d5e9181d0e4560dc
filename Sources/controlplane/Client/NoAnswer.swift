import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Why a call got no answer, told in words with what to try: the HTTP client's own errors read
/// like `NIOConnectionError(host: …, connectionErrors: [SingleConnectionFailure(…)])`.
struct NoAnswer {
    enum Reason: Equatable {
        /// Nothing listens on the port (ECONNREFUSED).
        case refused
        /// The host name has no address.
        case unresolved(host: String)
        /// No connection within the connect timeout, or no route to the host.
        case unconnectable(String)
        /// Connected, but no answer within the request's deadline.
        case silent
        /// Connected, but the connection closed without an answer.
        case closed
        /// The TLS handshake failed (often https:// to a plain-HTTP port, or a certificate).
        case tls(String)
        /// Anything else, as the HTTP client describes it.
        case other(String)
    }

    var reason: Reason

    init(_ error: any Error) {
        reason = Self.reason(error)
    }

    /// One sentence: what failed, and what to check.
    func sentence(server: String) -> String {
        let elsewhere = "Set CONTROL_PLANE_URL or --server to point elsewhere."
        switch reason {
        case .refused:
            return "cannot reach the control plane at \(server) (connection refused): is `controlplane serve` running there? \(elsewhere)"
        case .unresolved(let host):
            return "cannot reach the control plane at \(server) (the host name '\(host)' does not resolve): is it spelt right? \(elsewhere)"
        case .unconnectable(let why):
            return "cannot reach the control plane at \(server) (\(why)): is the host up and the port open to this machine? \(elsewhere)"
        case .silent:
            let seconds = ControlPlaneClient.answerSeconds
            return "the control plane at \(server) did not answer within \(seconds) s: it may be overloaded or waiting for its "
                + "database; its log says which, and GET /ready answers 503 while the database is away."
        case .closed:
            return "the control plane at \(server) closed the connection without answering: is it a control plane, and is it "
                + "http or https? \(elsewhere)"
        case .tls(let description):
            return "cannot reach the control plane at \(server) (TLS handshake failed: \(description)): does it serve https, and does "
                + "its certificate name this host? \(elsewhere)"
        case .other(let description):
            return "cannot reach the control plane at \(server) (\(description)). \(elsewhere)"
        }
    }

    private static func reason(_ error: any Error) -> Reason {
        switch error {
        case let connection as NIOConnectionError:
            // Every address tried failed; a name with no address has no attempts at all.
            let reasons = connection.connectionErrors.map { reason($0.error) }
            if reasons.isEmpty, connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return .unresolved(host: connection.host)
            }
            // A refusal on one address (say 127.0.0.1 beside an unroutable ::1) is the telling one.
            if reasons.contains(.refused) { return .refused }
            return reasons.first ?? .other("\(connection)")
        case let io as IOError:
            switch io.errnoCode {
            case ECONNREFUSED: return .refused
            case EHOSTUNREACH, ENETUNREACH: return .unconnectable("no route to the host")
            case ETIMEDOUT: return .unconnectable("no connection within \(ControlPlaneClient.connectSeconds) s")
            default: return .other(String(cString: strerror(io.errnoCode)).lowercased())
            }
        case let unknown as SocketAddressError.UnknownHost:
            return .unresolved(host: unknown.host)
        case let http as HTTPClientError:
            switch http {
            case .connectTimeout: return .unconnectable("no connection within \(ControlPlaneClient.connectSeconds) s")
            case .deadlineExceeded, .readTimeout: return .silent
            case .remoteConnectionClosed: return .closed
            default: return .other("\(http)")
            }
        default:
            // NIOSSL's errors, named by their module: the CLI does not link NIOSSL's API itself.
            if String(reflecting: type(of: error)).hasPrefix("NIOSSL.") { return .tls("\(error)") }
            return .other("\(error)")
        }
    }
}
