import ControlPlane
import HTTPTypes
import Hummingbird

/// An RFC 6749 §5.2 error of the token endpoint: a wire-protocol error, so it lives here; the
/// domain refuses with ``ControlPlaneError`` and ``init(_:)`` is the one mapping.
struct OAuthError: Error, Equatable, Sendable {
    enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case invalidClient = "invalid_client"
        case invalidScope = "invalid_scope"
        case unsupportedGrantType = "unsupported_grant_type"
    }

    var code: Code
    var description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// A domain refusal of the client-credentials grant. Everything but the client and the
    /// scopes is `invalid_request`, as RFC 6749 has no code for "server not ready" (no active key).
    init(_ error: ControlPlaneError) {
        switch error {
        case .unauthenticated(let message): self.init(.invalidClient, message)
        case .scopesRefused(let message): self.init(.invalidScope, message)
        default: self.init(.invalidRequest, error.description)
        }
    }

    private struct Body: Encodable {
        var error: String
        var error_description: String
    }

    /// 400, or 401 with a challenge for client authentication; never cached. The challenge is
    /// `Basic`, the one scheme this endpoint takes in `Authorization` (RFC 6749 §5.2: it must match
    /// the scheme the client used; a client that sent its credentials in the form used none).
    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields.noStore
        var status = HTTPResponse.Status.badRequest
        if code == .invalidClient {
            status = .unauthorized
            headers[.wwwAuthenticate] = "Basic realm=\"controlplane\""
        }
        return try JSONResponse(Body(error: code.rawValue, error_description: description), status: status, headers: headers)
            .response(from: request, context: context)
    }
}
