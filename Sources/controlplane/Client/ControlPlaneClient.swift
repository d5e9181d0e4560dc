import AgentOSAuth
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// Calls a running control plane for the client subcommands, through the client generated from
/// openapi.yaml (`Client`, docs/decisions.md "The CLI on the generated client").
///
/// The transport is AsyncHTTPClient (NIO, with TLS for a remote control plane), not URLSession:
/// on Linux, URLSession's libcurl driver keeps a core busy in the kernel for as long as it waits
/// for an answer (measured: 4 s of system time in 6 s against a silent server), so four CLI runs
/// at once starve the server they wait for. Every failure is reported once (`fail`) with exit code 1.
struct ControlPlaneClient: Sendable {
    /// The base URL without a trailing slash, e.g. `http://127.0.0.1:8080`.
    var server: String
    /// The bearer credential, `nil` for public routes.
    var credential: String?

    /// Runs one generated call. The middleware has already printed a refusal or an unreachable
    /// server; what is left is an answer the document does not describe, reported the same way.
    func call<Answer>(_ operation: (Client) async throws -> Answer) async throws -> Answer {
        do {
            return try await operation(try client())
        } catch let error as ClientError {
            if let exit = error.underlyingError as? ExitCode { throw exit }
            throw fail("unexpected answer from the control plane at \(server): \(error.underlyingError)", code: "unexpected_answer")
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail("unexpected answer from the control plane at \(server): \(error)", code: "unexpected_answer")
        }
    }

    private func client() throws -> Client {
        guard let url = URL(string: server) else { throw fail("cannot build a URL from \(server)") }
        return Client(
            serverURL: url,
            // Bodies as the server writes its own: sorted keys, ISO 8601 dates in whole seconds.
            configuration: Configuration(dateTranscoder: .iso8601, jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
            transport: AsyncHTTPClientTransport(configuration: .init(client: Self.http, timeout: .seconds(Self.answerSeconds))),
            middlewares: [ControlPlaneMiddleware(server: server, credential: credential)]
        )
    }

    /// How long a connection may take, and a request until its answer (the 30 s a request had
    /// when each one set its own timeout); `NoAnswer` names them when they run out.
    static let connectSeconds: Int64 = 10
    static let answerSeconds: Int64 = 30

    /// The process's one HTTP client (a CLI run ends with its process, so it is never shut down).
    ///
    /// Unlike `HTTPClient.shared`: a refused connection fails at once instead of being retried
    /// until the deadline, and a redirect is not followed, so the bearer credential goes only to
    /// the server named.
    private static let http: HTTPClient = {
        // The default configuration verifies certificates in full.
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(connectSeconds), read: .seconds(answerSeconds))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// The server's own words and code: `{"error":{"code","message"}}`, an OAuth error, or Agno's
    /// `detail`; an answer with none of them (a proxy's page) is named by its status alone.
    static func refusal(body: Data) -> (code: String, message: String) {
        let unnamed = (code: "http_error", message: "the control plane refused the request without a message")
        guard case .object(let answer)? = JSONValue(parsing: Array(body)) else { return unnamed }
        if case .object(let error)? = answer["error"], let message = error["message"]?.stringValue {
            return (error["code"]?.stringValue ?? "http_error", message)
        }
        if let code = answer["error"]?.stringValue {
            return (code, "\(code): \(answer["error_description"]?.stringValue ?? "")")
        }
        if let detail = answer["detail"]?.stringValue {
            return ("http_error", detail)
        }
        return unnamed
    }
}
