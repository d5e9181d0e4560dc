import Foundation
import HTTPTypes
public import Hummingbird
import NIOFoundationCompat

/// An error answered as `{"error": {"code": "...", "message": "..."}}` with its status.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse(ErrorBody(error: .init(code: code, message: message)), status: status, headers: headers)
            .response(from: request, context: context)
    }

    /// 503 with `Retry-After`: the database is not there right now; the same request may succeed soon.
    static func unavailable(_ message: String) -> APIError {
        .init(.serviceUnavailable, code: "unavailable", message: message, headers: [.retryAfter: "2"])
    }

    static func badRequest(_ message: String) -> APIError { .init(.badRequest, code: "invalid_request", message: message) }
    static func notFound(_ message: String) -> APIError { .init(.notFound, code: "not_found", message: message) }
    static func conflict(_ message: String) -> APIError { .init(.conflict, code: "conflict", message: message) }
    static func unauthorized(_ message: String) -> APIError { .init(.unauthorized, code: "unauthorized", message: message) }
    static func forbidden(_ message: String) -> APIError { .init(.forbidden, code: "forbidden", message: message) }
}

/// `{"error": {"code", "message"}}`, the API's one error shape.
struct ErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var code: String
        var message: String
    }
    var error: Detail
}
