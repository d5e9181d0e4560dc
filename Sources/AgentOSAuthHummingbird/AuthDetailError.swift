public import AgentOSAuth
import Foundation
import HTTPTypes
public import Hummingbird

/// An error answered as Agno answers it: its status and `{"detail": "..."}`, no `WWW-Authenticate`.
public struct AuthDetailError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The `detail` string.
    public let detail: String

    /// Wraps a gate or handler error.
    public init(_ error: AgentOSAuthError) {
        self.status = HTTPResponse.Status(code: error.status)
        self.detail = error.message
    }

    /// Any status and detail (e.g. `404 Agent not found`).
    public init(_ status: HTTPResponse.Status, detail: String) {
        self.status = status
        self.detail = detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: ["detail": detail])
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
