import Foundation
import HTTPTypes
import OpenAPIRuntime

/// What every call of the generated client shares: the bearer credential, and the CLI's errors
/// (reported by `fail`, exit code 1).
///
/// An answer of 400 or more becomes the server's own words here, before the generated code reads
/// it: the documented error cases would only decode the API's envelope, and an answer from a proxy
/// or an AgentOS (Agno's `detail`) must read the same as before, whatever the document lists.
struct ControlPlaneMiddleware: ClientMiddleware {
    var server: String
    var credential: String?

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        if let credential { request.headerFields[.authorization] = "Bearer \(credential)" }
        let response: HTTPResponse
        let responseBody: HTTPBody?
        do {
            (response, responseBody) = try await next(request, body, baseURL)
        } catch {
            // The generated client hands the transport's error over wrapped.
            let cause = (error as? ClientError)?.underlyingError ?? error
            throw fail(NoAnswer(cause).sentence(server: Self.withoutCredentials(server)), code: "unreachable")
        }
        guard response.status.code < 400 else {
            // An error body that cannot be read whole is no message: the status still is.
            var data = Data()
            if let responseBody { data = (try? await Data(collecting: responseBody, upTo: Self.errorBodyLimit)) ?? Data() }
            let refusal = ControlPlaneClient.refusal(body: data)
            throw fail(refusal.message, code: refusal.code, status: response.status.code)
        }
        return (response, responseBody)
    }

    /// `url` without a `user:password@` part: a hint repeats where it tried, never a secret.
    static func withoutCredentials(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.user != nil || parts.password != nil else { return url }
        parts.user = nil
        parts.password = nil
        return parts.string ?? url
    }

    /// The server's errors are one short envelope; 1 MiB is the API's own body limit.
    static let errorBodyLimit = 1 << 20
}
